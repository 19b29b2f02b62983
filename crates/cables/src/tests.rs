use super::*;

fn pack() -> CableData {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/cables");
    CableData::load(Path::new(dir)).expect("the shipped pack loads")
}

fn names(systems: &[System]) -> Vec<&str> {
    systems.iter().map(|s| s.name.as_str()).collect()
}

#[test]
fn every_country_name_of_the_dataset_is_mapped() {
    // Loading fails on an unmapped name; this counts them against the raw file.
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/cables"));
    let raw: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("cables.json")).unwrap()).unwrap();
    let names: BTreeSet<&str> = raw
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["landing_points"].as_array().unwrap())
        .map(|l| l["country"].as_str().unwrap())
        .collect();
    let mapped = parse_countries(
        "countries.csv",
        &std::fs::read(dir.join("countries.csv")).unwrap(),
    )
    .unwrap();
    let unmapped: Vec<_> = names.iter().filter(|n| !mapped.contains_key(**n)).collect();
    assert!(unmapped.is_empty(), "unmapped: {unmapped:?}");
    assert_eq!(names.len(), 180);
    let data = pack();
    assert_eq!(data.cables().len(), 521);
    // Territories keep their own landing stations and take their sovereign's jurisdiction.
    for (t, s) in [
        ("GP", "FR"),
        ("RE", "FR"),
        ("NC", "FR"),
        ("GU", "US"),
        ("PR", "US"),
    ] {
        assert_eq!(data.sovereign(t), s);
    }
    assert!(data.landing_countries().contains("GP"));
    assert_eq!(data.sovereign("FR"), "FR");
}

#[test]
fn owners_cover_at_least_80_percent_of_mentions() {
    let (known, all) = pack().owner_coverage();
    assert_eq!((known, all), (976, 1215));
    assert!(known * 100 >= all * 80);
}

#[test]
fn every_owner_row_names_an_owner_of_the_dataset() {
    let data = pack();
    let mentioned: BTreeSet<&str> = data
        .cables()
        .iter()
        .flat_map(|c| c.owners.iter().map(String::as_str))
        .collect();
    let stale: Vec<&String> = data
        .owners
        .keys()
        .filter(|o| !mentioned.contains(o.as_str()))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

#[test]
fn france_brazil_goes_over_land_to_portugal_then_on_ellalink() {
    // Hand-checked: no system lands in both France and Brazil in this dataset; EllaLink
    // (2021) lands in Sines, Portugal and Fortaleza, Brazil; France to Portugal crosses Spain.
    let r = pack().routes("FR", "BR", false);
    assert!(r.direct.is_empty() && r.land.is_none());
    let pt = r.via.iter().find(|v| v.via.code == "PT").expect("via PT");
    assert_eq!(
        pt.first,
        Segment::Land {
            path: vec!["FR".into(), "ES".into(), "PT".into()]
        }
    );
    let Segment::Cable { systems } = &pt.second else {
        panic!("{pt:?}")
    };
    assert!(names(systems).contains(&"EllaLink"), "{:?}", names(systems));
}

#[test]
fn a_land_pair_needs_no_cable() {
    // Hand-checked: France and Germany share a border; no system in the data lands in both.
    let r = pack().routes("FR", "DE", false);
    assert_eq!(r.land, Some(vec!["FR".to_string(), "DE".to_string()]));
    assert!(r.via.is_empty());
    let d = r.diversity();
    assert!(d.spof_cables.is_empty() && d.spof_jurisdictions.is_empty());
}

#[test]
fn an_overseas_territory_keeps_its_landings_and_takes_its_sovereign() {
    // Hand-checked in cables.json: Guadeloupe's systems include ECFS (Eastern Caribbean Fiber
    // System), which also lands in Martinique.
    let r = pack().routes("MQ", "GP", false);
    assert_eq!(
        (r.from.sovereign.as_str(), r.to.sovereign.as_str()),
        ("FR", "FR")
    );
    assert!(
        names(&r.direct).contains(&"Eastern Caribbean Fiber System (ECFS)"),
        "{:?}",
        names(&r.direct)
    );
    for s in &r.direct {
        assert!(
            s.to_landings.iter().all(|l| l.id.ends_with("guadeloupe")),
            "{s:?}"
        );
    }
}

#[test]
fn planned_systems_only_when_asked() {
    let data = pack();
    let without = data.routes("FR", "ZA", false);
    let with = data.routes("FR", "ZA", true);
    // 2Africa was still planned in the published data and lands in Marseille and Cape Town.
    assert!(!names(&without.direct).contains(&"2Africa"));
    assert!(names(&with.direct).contains(&"2Africa"));
}

#[test]
fn single_points_of_failure_are_what_every_route_shares() {
    let data = pack();
    let us = data.routes("FR", "US", false);
    let d = us.diversity();
    assert!(d.systems >= 2 && d.spof_cables.is_empty(), "{d:?}");
    let total: f64 = d.owner_shares.values().sum();
    assert!((total - 1.0).abs() < 0.001, "{d:?}");
    // A pair joined by one system only: it, its origin station and its owners' countries are
    // each needed by every route.
    let (one, r) = data
        .cables()
        .iter()
        .filter(|c| !c.planned && c.landings.len() == 2)
        .map(|c| {
            (
                c,
                data.routes(&c.landings[0].country, &c.landings[1].country, false),
            )
        })
        .find(|(_, r)| r.direct.len() == 1 && r.land.is_none() && r.via.is_empty())
        .expect("a pair joined by a single system");
    let d = r.diversity();
    assert_eq!(d.systems, 1);
    assert_eq!(d.spof_cables, std::slice::from_ref(&one.name));
    assert_eq!(d.spof_landings, std::slice::from_ref(&one.landings[0].id));
    let owners: BTreeSet<String> = r.direct[0]
        .owners
        .iter()
        .filter_map(|o| o.jurisdiction.clone())
        .collect();
    assert_eq!(d.spof_jurisdictions, owners.into_iter().collect::<Vec<_>>());
}

#[test]
fn a_corrupt_file_is_refused_naming_it() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/cables"));
    let manifest = std::fs::read(dir.join(MANIFEST)).unwrap();
    let err = CableData::from_files(&manifest, |p| {
        let mut b = std::fs::read(dir.join(p)).unwrap();
        if p == "owners.csv" {
            b.push(b'\n');
        }
        Ok(b)
    })
    .unwrap_err();
    assert!(
        matches!(&err, Error::Digest { path, .. } if path == "owners.csv"),
        "{err}"
    );
    assert!(err.to_string().starts_with("owners.csv: sha256"), "{err}");
}

#[test]
fn bad_rows_name_the_file_line_and_field() {
    let err = parse_owners(
        "owners.csv",
        b"owner,organisation,hq_country,hyperscaler,source\nA,B,FR,,s\nC,D,France,,s\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "owners.csv:3: hq_country: \"France\" is not an ISO 3166-1 alpha-2 code"
    );
    let err = parse_borders("land-borders.csv", b"a,b\nFR,DE\n").unwrap_err();
    assert!(err
        .to_string()
        .starts_with("land-borders.csv:1: expected columns a,b,source"));
    let names = BTreeMap::from([("France".to_string(), "FR".to_string())]);
    let json = br#"[{"id":"x","name":"X","rfs_year":2000,"is_planned":false,"owners":"A","landing_points":[{"id":"p","name":"P","country":"Atlantis"}]}]"#;
    let err = parse_cables("cables.json", json, &names).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cables.json: [0] (x).landing_points[0].country: \"Atlantis\" is not in countries.csv"
    );
    let err = parse_cables("cables.json", b"[{\"id\": 3}]", &names).unwrap_err();
    assert!(err.to_string().starts_with("cables.json:1:"), "{err}");
}

#[test]
fn every_landing_station_has_its_coordinates() {
    let data = pack();
    let mut n = 0;
    for c in data.cables() {
        for l in &c.landings {
            let (lon, lat) = data
                .landing_at(&l.id)
                .unwrap_or_else(|| panic!("{} has no coordinates", l.id));
            assert!(lon.abs() <= 180.0 && lat.abs() <= 90.0);
            n += 1;
        }
    }
    assert!(n > 1000, "{n}");
    // Marseille (43.30 N, 5.37 E) and Virginia Beach (36.85 N, 75.98 W), within a few km.
    let (lon, lat) = data.landing_at("marseille-france").unwrap();
    assert!(
        (lon - 5.37).abs() < 0.1 && (lat - 43.30).abs() < 0.1,
        "{lon} {lat}"
    );
    let (lon, lat) = data.landing_at("virginia-beach-va-united-states").unwrap();
    assert!(
        (lon + 75.98).abs() < 0.1 && (lat - 36.85).abs() < 0.1,
        "{lon} {lat}"
    );
}

#[test]
fn a_bad_landing_point_row_is_refused_with_its_line() {
    let err = parse_landing_points("landing-points.csv", b"id,lon,lat\na,1,2\nb,200,3\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("landing-points.csv") && err.contains('3') && err.contains("lon"),
        "{err}"
    );
    let err = parse_landing_points("landing-points.csv", b"id,lon,lat\na,1,2\na,1,2\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("repeated"), "{err}");
}

#[test]
fn a_cut_takes_systems_landings_and_countries_out() {
    let data = pack();
    let before = data.routes("FR", "US", false);
    assert!(before.direct.len() > 1, "{before:?}");
    // One named system: the others remain.
    let first = before.direct[0].name.clone();
    let cut = crate::Cut {
        cables: [first.to_ascii_uppercase()].into(),
        ..Default::default()
    };
    let after = data.cut(&cut).routes("FR", "US", false);
    assert_eq!(after.direct.len(), before.direct.len() - 1);
    assert!(after.direct.iter().all(|s| s.name != first));
    // Every landing station in France that a direct system uses: no direct system is left.
    let landings: std::collections::BTreeSet<String> = before
        .direct
        .iter()
        .flat_map(|s| s.from_landings.iter().map(|l| l.name.clone()))
        .collect();
    let cut = crate::Cut {
        landings,
        ..Default::default()
    };
    assert!(data.cut(&cut).routes("FR", "US", false).direct.is_empty());
    // Cutting Spain: France to Portugal no longer goes over land, and no system landing in
    // Spain is left anywhere.
    assert!(data.routes("FR", "PT", false).land.is_some());
    let cut = crate::Cut {
        countries: ["ES".to_string()].into(),
        ..Default::default()
    };
    let cut_data = data.cut(&cut);
    assert!(cut_data.routes("FR", "PT", false).land.is_none());
    assert!(cut_data
        .cables()
        .iter()
        .all(|c| c.landings.iter().all(|l| l.country != "ES")));
    // Cutting France itself: no route leaves it.
    let cut = crate::Cut {
        countries: ["FR".to_string()].into(),
        ..Default::default()
    };
    let r = data.cut(&cut).routes("FR", "US", false);
    assert!(
        r.direct.is_empty() && r.via.is_empty() && r.land.is_none(),
        "{r:?}"
    );
}
