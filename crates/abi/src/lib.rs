//! The sovstack plugin ABI: what crosses the boundary between the host (`sovstack-host`) and a
//! WebAssembly plugin, message by message. The host and every plugin compile this same crate, so
//! the two sides cannot drift apart.
//!
//! This crate owns the wire types and [`ABI_VERSION`], and in [`semantics`] what host and plugins
//! must agree on about rules (rounding, threshold levels, every static check of a ruleset with
//! its stable code). It deliberately knows nothing about how facts are collected
//! (`sovstack-scan`), how rulesets are written in YAML (`sovstack-ruleset`) or how a plugin is
//! run (`sovstack-host`).
//!
//! # Transport (ABI version 1)
//!
//! A plugin is a core WebAssembly module with **no imports** (the host links none: no WASI, no
//! clock, no filesystem, no network). It exports:
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `memory` | memory | the linear memory the host reads and writes |
//! | `sovstack_abi_version` | `() -> i32` | the ABI version the plugin was built for; must equal [`ABI_VERSION`] |
//! | `sovstack_alloc` | `(len: i32) -> i32` | reserve `len` bytes for the host to write input into; returns the pointer |
//! | `sovstack_info` | `() -> i64` | a [`PluginInfo`] as JSON; returns `(ptr << 32) \| len` |
//! | `sovstack_evaluate` | `(ptr: i32, len: i32) -> i64` | reads an [`EvaluateRequest`] as JSON at `ptr..ptr+len`, returns an [`EvaluateResponse`] as JSON packed as `(ptr << 32) \| len` |
//!
//! Every call runs in a fresh instance: a plugin keeps no state from one evaluation to the next.
//! JSON is UTF-8, with snake_case keys. The host caps the output size, fuel, memory and wall time
//! of every call; a plugin that exceeds them is stopped and reported, and the other plugins still
//! run. An evaluation's budgets grow with the size of its request, within hard caps (the table of
//! `sovstack_host::HostConfig`): 1 000 fuel, 32 bytes of memory and 4 bytes of output per request
//! byte, the wall-clock timeout in proportion to the fuel (2 s per 10⁹), when that is more than
//! the defaults (10⁹ fuel, 64 MiB, 2 s, 4 MiB); never past 10¹¹ fuel, 4 GiB, 120 s and 1 GiB. A
//! plugin should cost no more than linear time in its request: the built-in ones spend 330 to 360
//! fuel per request byte.
//!
//! # Memory protocol and lifetimes
//!
//! * **Instances.** A plugin is instantiated afresh for each use and the instance is dropped
//!   after it: once at load, where the host calls `sovstack_abi_version` then `sovstack_info` in
//!   that one instance; then once per evaluation, where it calls `sovstack_alloc` then
//!   `sovstack_evaluate`, each once. Every instance starts from the module's own initial memory
//!   and globals: nothing a call writes is seen by a later call, and memory is never reused
//!   across calls.
//! * **Input.** The plugin allocates: `sovstack_alloc(len)` returns a pointer to `len` bytes the
//!   host may overwrite (no alignment is required; `len` is never 0, a request being a JSON
//!   object). The host writes the request there, then calls `sovstack_evaluate(ptr, len)` with
//!   that pointer and length. A region that is not inside the memory is `plugin/bad-pointer`.
//! * **Output.** `sovstack_info` and `sovstack_evaluate` return `(ptr << 32) | len`, a region of
//!   linear memory the host copies out as soon as the call returns. It may be anywhere in
//!   memory: on the heap, in static data (a constant `sovstack_info` answer in a data segment),
//!   even over the input. A region past the end of memory is `plugin/bad-pointer`; more than the
//!   output cap is `plugin/output-too-large` (see "Limits").
//! * **Freeing.** There is no free export, and the host frees nothing: a plugin may leak every
//!   buffer it allocates (a bump allocator that never frees is enough), since the instance and
//!   its memory are dropped after the call. Only the memory limit bounds what it allocates.
//! * **Traps.** A trap (`unreachable`, an out-of-bounds access, a stack overflow) is
//!   `plugin/trap`; the layer is not evaluated and the other plugins still run.
//!
//! # When `sovstack_evaluate` is called
//!
//! Once per layer and ruleset: for each ruleset (in the order given) and each layer the
//! inventory holds, when the ruleset has at least one rule for that layer, the plugin reading
//! the layer gets one request carrying all of the layer's items and all of the ruleset's rules
//! for it ([`RulesetView::rules`], in the ruleset's order). A layer no rule of the ruleset
//! judges is never sent; an empty layer with rules is sent with no items. A plugin never sees
//! two rulesets or two layers in one request, nor anything of another layer.
//!
//! # Roles per layer
//!
//! The roles an item of each layer can have actors in ([`Layer::roles`]), in report order. A
//! rule for the layer may name these and no others (`ruleset/unknown-role`); the items' actors
//! carry no other role. A unit test holds this table to [`Layer::roles`].
//!
//! | layer | roles |
//! |---|---|
//! | `processor` | `isa_owner`, `core_designer`, `soc_vendor`, `foundry` |
//! | `os` | `steward`, `lineage`, `kernel` |
//! | `toolchain` | `compiler`, `linker`, `libc`, `runtime` |
//! | `network` | `network_operator`, `cloud_provider`, `dns_provider`, `location` |
//! | `cable` | `cable_owner` |
//! | `suppliers` | `supplier`, `supplier_parent`, `claimed_jurisdiction`, `data_location`, `observed_operator`, `observed_location` |
//! | `devices` | `manufacturer`, `owner`, `high_risk_vendor` |
//! | `software` | `registry_operator`, `licence` |
//! | `materials` | `producer` |
//!
//! # Specification files
//!
//! * **JSON Schemas** of the three messages, generated from the types of this crate (`sovstack_abi::schema`,
//!   feature `schema`) and checked current by `tests/e2e/plugin_abi.rs`:
//!   `schema/plugin-info-1.schema.json`, `schema/plugin-request-1.schema.json`,
//!   `schema/plugin-response-1.schema.json` (the number is [`ABI_VERSION`]). They say the
//!   shape (required keys, types, enumerations, no unknown key where the host reads strictly);
//!   what no schema can say is in "What the host checks".
//! * **Test vectors**, `plugins/vectors/LAYER/NAME.request.json` and `NAME.response.json`:
//!   every request the SDK judge's tests give a built-in plugin, with the response bytes it
//!   answers (`plugins/vectors/README.md`; 53 vectors: 42 of the processor layer, 5 of the
//!   os layer, 3 of the materials layer, 2 of the suppliers layer, 1 of the network layer). Every built-in plugin of the layer
//!   must give those bytes exactly; a plugin written otherwise must give the same verdict: the
//!   response read as the host reads it, equal in every field but a finding's `message` (its
//!   own sentence) and a refusal's text after its code.
//! * **A plugin in another language**, `plugins/examples/c-processor`: freestanding C, written
//!   from this page, passing the processor vectors; a template for outside authors.
//!
//! # Limits
//!
//! Every call runs under four limits (`sovstack_host::HostConfig`). An evaluation's budgets are
//! the configured ones or, for a large request, its size times the allowance per byte, whichever
//! is more, never past the hard cap. The command line sets the configured fuel, memory and time
//! (`sovstack audit|evaluate --plugin-fuel UNITS --plugin-memory MIB --plugin-timeout SECONDS`),
//! within the hard caps, and a limit so set is every evaluation's, without growth; loads (`sovstack_abi_version`, `sovstack_info`) run under them with no
//! growth, fuel and time at least the defaults.
//!
//! | limit | default | per request byte | hard cap | when exceeded |
//! |---|---|---|---|---|
//! | fuel (≈ WebAssembly instructions) | 1 000 000 000 | 1 000 | 100 000 000 000 | `plugin/out-of-fuel` |
//! | linear memory | 64 MiB | 32 bytes | 4 GiB | `plugin/memory-limit` (at the growth, not a failed `memory.grow`) |
//! | wall time | 2 s | in proportion to the fuel (2 s per 10⁹) | 120 s | `plugin/timeout` (within 50 ms) |
//! | output of one call | 4 MiB | 4 bytes | 1 GiB | `plugin/output-too-large` |
//! | `error` text kept | 4 096 bytes | — | — | cut, `... (N bytes cut)` appended |
//!
//! The report gives each evaluation's fuel spent and its linear memory's peak size beside the
//! limits it ran under (`rulesets[].layers.L.plugin_run.resources`); both are deterministic, the
//! same module and request giving the same figures. Wall time is not, so only `--verbose`
//! prints it, on stderr.
//!
//! # What the host checks
//!
//! The host believes no response it has not checked against its request
//! ([`response::check_response`]). A response that contradicts it is refused whole with
//! `plugin/invalid-response`, naming the plugin and the field (`findings[2].severity`,
//! `score.shares.US`): the layer is not evaluated under that ruleset (no score, no findings),
//! the run exits 2, and the other layers are still judged. The checks:
//!
//! * `findings[].rule`: a rule of the request, so of the ruleset and of the request's layer;
//! * `findings[].item`: an item of the request, for every criterion but `concentration`, whose
//!   findings are layer-wide (no item);
//! * `findings[].severity`: the rule's. Two overrides: a `supported` finding about an item in
//!   its extended support window is one step lower ([`semantics::base_severity`]), and a finding
//!   about an item labelled `critical` is one step higher than that
//!   ([`AttributedItem::finding_severity`], see "Criticality"); any other severity is refused,
//!   so a plugin cannot trip `--fail-on` on its own;
//! * `findings[].objective`: the rule's (absent when the rule has none);
//! * `findings[].level`: given only by `jurisdiction` and `openness` rules, and below the rule's
//!   `pass_level` (an item at or above it gives no finding); and always by `supported` and
//!   `certified` rules, equal to the level they give the item ([`semantics::verdict_level`])
//!   and below 4 (an item at 4 gives no finding);
//! * `findings[].actors`: indexes into the item's actors;
//! * `score.score` and each objective's score: 0-100; `score.level` and each objective's level:
//!   0-4;
//! * `score.objectives`: objectives the ruleset declares (`scoring.objectives`);
//! * `score.shares`: the ruleset's poles, `commons`, `other` and `unknown`, each 0-1, summing to
//!   at most 1 (plus 0.00005 per share, the most rounding each share to four decimals adds);
//!   `score.concentration_index`: 0-1.
//!
//! A response whose `error` is set is a refusal (`plugin/refused-request`): it still needs
//! `findings` (the response is read strictly; an empty list will do), but neither its findings
//! nor its score are read or checked. Its text is cut to 4 096 bytes and shown once per plugin
//! and layer: the same words for another ruleset are reported as "the same error as with
//! ruleset R".
//! # Manifest (a custom section)
//!
//! A plugin may describe itself without being run: a custom section named
//! [`MANIFEST_SECTION`] (`sovstack_manifest`) holding a [`Manifest`] as JSON (name, version, ABI
//! version, layers, authors, licence, source URL). The SDK writes it from the plugin crate's Cargo
//! metadata (`sovstack_plugin_sdk::manifest!`); `sovstack plugin inspect` reads it, with the
//! module's imports, exports and sections, without running anything. It is a description, not a
//! proof: what a plugin does is what `sovstack_info` and `sovstack_evaluate` say at run time, and
//! only a sha256 pin or a signature ties a description to the bytes.
//!
//! # Why a core module with JSON messages, not a component with a WIT interface
//!
//! The ABI is four exports of a core module and JSON in linear memory. The alternative is the
//! WebAssembly component model: a WIT world (say `sovstack:plugin/evaluator`) exporting typed
//! `info` and `evaluate` functions, with bindings generated by `wit-bindgen` (Rust, C),
//! `componentize-py` or `jco`, which wasmtime 48 can also run.
//!
//! What plugin authors gain with the core module:
//! * any compiler with a `wasm32` target will do, with no other tool: Debian's rustc 1.63 (which
//!   builds the built-in plugins reproducibly, see DEVELOPERS.md), clang for freestanding C (a
//!   plugin was written that way from this page alone), Zig, AssemblyScript;
//! * the sandbox is visible in the module itself: no import at all, which `sovstack plugin
//!   inspect` and `plugins/check-wasm.py` check; a generated component usually imports WASI
//!   interfaces the host would have to provide or stub;
//! * a request and a response are plain text a person can read, diff and keep as a golden
//!   test, in any language.
//!
//! What they lose:
//! * no interface checked by a toolchain: a malformed or lying message is caught at run time,
//!   by the strict reading of the JSON and the host's checks ("What the host checks"), not by
//!   the linker;
//! * every plugin parses and writes JSON (most of the built-in plugins' 330 to 360 fuel per
//!   request byte), and manages the memory protocol by hand (`sovstack_alloc`, `(ptr << 32) |
//!   len`), which the SDK does for Rust authors.
//!
//! A component would give typed records, generated bindings and a canonical ABI that copies
//! values across the boundary, at the price of component tooling (`wasm-tools`, a `wit-bindgen`
//! for each language) the reproducible Debian build does not have, and of larger modules when
//! the bindings embed an interpreter (Python, JavaScript).
//!
//! Offering both would take: a WIT world whose records are generated from, or tested against,
//! the types of this crate (one definition of each message); the host telling a component from a
//! core module by its header (wasmparser reads both) and instantiating it through
//! `wasmtime::component::Linker` with nothing linked; the same response checks, cache, pins and
//! signatures for both; and every test vector run against a plugin of each kind. The WIT
//! package's version would then move with [`ABI_VERSION`].
//!
//! # Messages
//!
//! 1. `sovstack_info` → [`PluginInfo`]: name, version, ABI version, layers read, criteria judged.
//! 2. `sovstack_evaluate` ← [`EvaluateRequest`]: one layer's [`AttributedItem`]s and one ruleset's
//!    settings and rules for that layer ([`RulesetView`]).
//! 3. `sovstack_evaluate` → [`EvaluateResponse`]: [`Finding`]s and the layer's [`LayerScore`], or
//!    an `error` the host reports as a plugin failure.
//!
//! # Criteria (what a rule asks; see [`Criterion`])
//!
//! A rule's criterion is judged on each item, through the item's actors whose role the rule names.
//! Actors in other roles are ignored, and an item with no actor in the named roles is not judged
//! by the rule (no level, no finding, no share). Country and bloc codes compare ignoring ASCII
//! case; a blank name or country counts as not established.
//! * `jurisdiction`: where the actors are headquartered. An actor whose country belongs to one of
//!   the ruleset's `home_blocs` (or is listed in `home_countries`) is `home`; otherwise an actor
//!   reached by an extraterritorial law (its [`Actor::laws`] is not empty) is `extraterritorial`;
//!   any other known country is `foreign`; an actor without a country that is part of the commons
//!   ([`Governance::is_commons`]: an international community or open standard, which sits in no
//!   single jurisdiction) is `commons`; any other actor without a country is `unknown`, even
//!   when it carries a [`Actor::registered_country`] (where a registry delegated its resources,
//!   never a headquarters; a message mentions it, and `concentration` counts the actor as
//!   `unknown` too). The
//!   item's level is the lowest level among its actors of the named roles, taken from the
//!   criterion's [`JurisdictionLevels`]; an item with no actor of those roles is not judged.
//! * `openness`: how the actors are governed ([`Governance`]); the level is the lowest among them,
//!   taken from the criterion's [`OpennessLevels`].
//! * For both, an item whose level is below `pass_level` gives one finding carrying the level,
//!   whose message names each of its actors below `pass_level` (and whose [`Finding::actors`]
//!   points at them).
//! * `known_attribution`: one finding per actor of the named roles whose identity is unknown (no
//!   name); it gives no level.
//! * `concentration` (layer-wide): each judged item weighs its [`AttributedItem::weight`] (1 when
//!   absent, so that without weights every item weighs the same), and its control is split among
//!   its actors of the named roles ([`semantics::control_fractions`]): evenly, unless every one of
//!   them carries an [`Actor::share`] and those shares add up to more than 0, in which case each
//!   holds its share divided by their sum (a producing country's share of a material's world
//!   production: China's 0.99 of primary gallium weighs 0.99 of that item). Each actor's share goes, first match winning, to
//!   `commons` when it is an open standard or a community project (whatever its country), to
//!   `unknown` when it has no country, to the first [`Pole`] in the ruleset's order that lists its
//!   country or one of its blocs, or else to `other` (a known country no pole holds). Shares are
//!   fractions of the total weight of the judged items and sum to 1: items of weights 3 and 1,
//!   held by the US and by China, give the US 0.75 and China 0.25. An item of weight 0 holds no
//!   control: the rule does not judge it (no share, and it is not counted among the items a
//!   finding mentions), so a rule whose items all weigh 0 judges nothing, as on an empty layer.
//!   The concentration index is the Herfindahl-Hirschman index `Σ share²` over the named poles
//!   only (commons, other and unknown are no single controller). A pole whose share exceeds
//!   `max_share`, or an index above `max_index`, gives a layer-wide finding; values are compared
//!   as reported (rounded, see below), so a share equal to the limit passes. It gives no level.
//!   A `concentration` rule gives between none and one more than the number of poles findings,
//!   in this order: one per pole whose rounded share exceeds `max_share`, in the ruleset's
//!   order of poles, then one when the index (`Σ share²` of the unrounded shares, then rounded
//!   to four decimals) exceeds `max_index`. Each has no item, no level and no actors, and keeps
//!   the rule's severity and objective.
//! * `assessed`: one finding per item the scan could not assess ([`AttributedItem::not_assessed`]),
//!   whose message gives the reason; it names no role and gives no level, so the item (which has
//!   no actor) still lowers no score and holds no share: the finding is what tells a reader that
//!   the service was not judged, rather than judged sound. Its rule's severity is at least
//!   `low` (`info` is refused: `ruleset/bad-severity`).
//! * `supported`: judges each item whose support is known ([`AttributedItem::support_status`])
//!   and gives it a level ([`semantics::support_level`]): supported
//!   ([`AttributedItem::supported`]) 4, no finding; in its extended support window
//!   ([`AttributedItem::support_extended`]: regular support ended, Debian LTS or the like still
//!   runs) 2, with a finding one severity step below the rule's whose message gives the dates;
//!   past the end of its support, extended included ([`AttributedItem::support_ended`]), 0, with
//!   a finding of the rule's severity giving the dates. An item whose support is unknown is not
//!   judged (no level, no finding). It names no role, and its rule's severity is at least `low`.
//! * `long_lived_commons`: one finding per item that is a commons and stays supported for long:
//!   it has at least one actor of the rule's roles, every one of them an open standard or a
//!   community project ([`Governance::is_commons`]), and its
//!   [`AttributedItem::support_years_left`] is at least the rule's `min_years`. The finding is a
//!   credit, not a fault (rulesets give it severity `info`), names the actors and the years left,
//!   and gives no level; an item whose support horizon is unknown earns nothing. `min_years`
//!   must be a positive number (`ruleset/bad-threshold`).
//! * `declared_vs_observed`: one finding per contradiction the host found between what a
//!   declared service's supplier claims and what the network layer observed
//!   ([`AttributedItem::contradictions`]), whose message gives both with their sources and whose
//!   [`Finding::actors`] point at the claim's actor and the observation's; it names no role and
//!   gives no level. Its rule's severity is at least `low`.
//! * `certified`: judges every item: level 4 when its [`AttributedItem::certifications`] hold
//!   one of the rule's `any_of` (names of [`certifications::ALL`], compared ignoring ASCII case),
//!   else level 0 (not met, or not shown) and one finding ([`semantics::verdict_level`]); it
//!   names no role. `any_of` must name at least one certification, each known
//!   (`ruleset/no-certification`, `ruleset/unknown-certification`).
//! * `route_diversity`, `route_ownership`, `hyperscaler_share` (the `cable` layer): judge an
//!   item's [`AttributedItem::routes`], the cable systems on the candidate routes to a destination
//!   country with their owners (indexes into the item's actors); they name no role and give no
//!   level, and an item without routes, or reached over land, is not judged.
//!   A system is *controlled from* a country when owners headquartered there hold more than half
//!   of it (each of its n owners 1/n; an owner of unknown country controls nothing).
//!   `route_diversity { min_systems }`: a destination outside the ruleset's home (its `to_blocs`
//!   and `to` against the scoring's `home_blocs` and `home_countries`) gets a finding when, for
//!   some country outside home, fewer than `min_systems` systems are not controlled from it
//!   (fewer than two systems at all, or all but one controlled from the United States, say);
//!   the finding names that country, the systems it controls with their owners, and those left.
//!   `route_ownership { max_share }`: each system counts 1/S of the routes' ownership (S
//!   systems with known owners), each of its n owners 1/n of that; a pole of the ruleset's
//!   `poles` holding more than `max_share` gives a finding naming its owners and their systems.
//!   `hyperscaler_share { max_share }`: the same shares for the owners in each system's
//!   [`RouteSystem::hyperscalers`]; above `max_share`, a finding naming them and their systems.
//!   `min_systems` is at least 1 and `max_share` lies in 0..1 (`ruleset/bad-threshold`).
//! * An item's weight counts nowhere else: `jurisdiction`, `openness` and `known_attribution` judge
//!   every item alike, whatever its weight (0 included), and their findings do not mention it.
//!
//! # Criticality
//!
//! A finding about an item whose [`AttributedItem::criticality`] is `critical` carries the
//! severity one step above its rule's (`info` → `low` → `medium` → `high` → `critical`, which
//! stays `critical`), whatever the criterion; other criticalities keep the rule's severity.
//! Layer-wide findings (`concentration`) are about no single item and keep it too. Criticality
//! weighs items through [`AttributedItem::weight`], which the host sets from it.
//!
//! # Scoring
//! * [`ScoringMethod::SealWeakestLink`] (EU Cloud Sovereignty Framework): each `jurisdiction`,
//!   `openness`, `supported` or `certified` rule gives each item it judges a level 0-4; an objective's level on the layer is
//!   the lowest level any of its rules gave any item (weakest link: any item below sets it,
//!   whatever its weight, 0 included); its score is the rule-weighted mean of its rules' mean item
//!   levels, as a percentage of level 4. A rule's mean item level is the mean of the levels it
//!   gave, each item weighing its [`AttributedItem::weight`] (1 when absent); when the weights of
//!   the items it judged sum to 0, their plain mean. Levels 4 and 0 on items of weights 3 and 1
//!   give a mean item level of 3 (75%) and the level 0. The layer's level is the lowest
//!   objective level, its score the objective-weighted mean of the (rounded) objective scores.
//!   Rule or objective weights that sum to zero give plain means. An objective none of whose rules
//!   judged an item is absent from [`LayerScore::objectives`] and not weighed.
//! * [`ScoringMethod::BlocBalance`] (non-aligned): the layer's score is `100 × (1 − dominance −
//!   unknown share)` where dominance is the largest share any single pole holds, plus
//!   `commons_credit × commons share × 100`, clamped to 0..100. Control nobody could attribute
//!   counts against the layer: it cannot be shown to be balanced. The shares and the index are
//!   those of the layer's `concentration` rules, each over its own roles (averaged over the rules
//!   that judged an item when there are several); dominance and commons share are read from the
//!   rounded shares.
//! * **Level thresholds** (`bloc_balance`, for each layer and for the overall score alike): the
//!   level of a score is that of the first entry of `level_thresholds`, in the ruleset's order,
//!   whose `min_score` the (rounded) score reaches ([`semantics::threshold_level`]). Thresholds
//!   must be listed from the highest `min_score` and level down, each strictly lower than the one
//!   before, and end at `min_score: 0`; any other list is refused (`ruleset/threshold-order`,
//!   `ruleset/incomplete-thresholds`), so the first threshold reached is also the highest level
//!   reached, and every score gets a level.
//! * A layer where nothing is judged has no score (`None`): under `seal_weakest_link`, no rule gave
//!   a level to any item (a `supported` rule gives none to an item whose support is unknown);
//!   under `bloc_balance`, there is no `concentration` rule or none judged an
//!   item (an empty layer included).
//! * Scores are rounded to two decimals, shares and the index to four (half away from zero,
//!   [`semantics::round`]: `round(x × 10^d) / 10^d`), so that the JSON is the same on every
//!   platform. Where each rounding happens, and nowhere else:
//!   * `seal_weakest_link`: a rule's mean item level is not rounded, nor the rule-weighted mean
//!     of an objective's rules; the objective's score (`mean / 4 × 100`) is rounded to two
//!     decimals; the layer's score is the objective-weighted mean of those rounded scores,
//!     rounded to two decimals. Levels are integers and need no rounding.
//!   * `bloc_balance`: each `concentration` rule's shares are not rounded; their mean over the
//!     rules (each share summed in rule order, divided by the number of rules that judged an
//!     item) is rounded to four decimals, and dominance, the unknown and the commons shares are
//!     read from those rounded shares; the index is the mean of the rules' indexes, each over the
//!     unrounded shares, rounded to four decimals; the score is computed from the rounded
//!     shares, clamped to 0..100, then rounded to two decimals, and its level read from the
//!     rounded score.
//!   * A `concentration` rule's findings compare the rule's own rounded shares with `max_share`
//!     and its own rounded index with `max_index`.
//!   * Sums run in input order (items, then rules, then objectives, as the request lists them),
//!     in IEEE 754 double precision without fused multiply-add, so the same request gives the
//!     same bits everywhere.
//!
//! # Refusals
//!
//! A plugin answers with [`EvaluateResponse::error`] rather than judge a request it cannot. The
//! error starts with a stable code and `: `, then names the rule, objective, pole or item:
//!
//! * What the ruleset says: [`semantics::check`], the very checks `sovstack ruleset validate`
//!   makes, each with a code of [`semantics::REFUSALS`] (`ruleset/threshold-order: ...`). A
//!   plugin refuses a request with the first problem [`semantics::check`] finds in its
//!   [`RulesetView`]. Among them: a level above 4; a rule or objective weight that is negative or
//!   not finite (0 is accepted: the rule or objective then counts in no weighted mean, though it
//!   still gives findings and, under `seal_weakest_link`, levels); `max_share` or `max_index`
//!   outside 0..1 (0 is accepted: any share, or any concentration, gives a finding); a pole named
//!   `commons`, `other` or `unknown`; a role named twice; level thresholds out of order; under
//!   `seal_weakest_link`, a rule without an objective or naming one the scoring does not declare.
//! * What else the request holds: [`semantics::REQUEST_REFUSALS`] (`request/...`): another ABI
//!   version or layer, a criterion the plugin does not support, an item id given twice, an item
//!   weight that is negative, NaN or infinite, or item weights whose sum overflows.
//!
//! The conformance corpus (`tests/conformance/rulesets/`) holds one ruleset per code of
//! [`semantics::REFUSALS`] and requires `sovstack ruleset validate` and every built-in plugin to
//! give it the same verdict.

#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod certifications;
mod diagnostics;
mod layers;
pub mod response;
#[cfg(feature = "schema")]
pub mod schema;
pub mod semantics;
pub use layers::{Layer, Role};

/// The version of this ABI. A plugin exporting another version is refused.
pub const ABI_VERSION: u32 = 1;

/// Names of the exports a plugin must provide.
pub mod exports {
    /// Linear memory.
    pub const MEMORY: &str = "memory";
    /// `() -> i32`.
    pub const ABI_VERSION: &str = "sovstack_abi_version";
    /// `(len: i32) -> i32`.
    pub const ALLOC: &str = "sovstack_alloc";
    /// `() -> i64`, packed pointer and length.
    pub const INFO: &str = "sovstack_info";
    /// `(ptr: i32, len: i32) -> i64`, packed pointer and length.
    pub const EVALUATE: &str = "sovstack_evaluate";
}

/// Packs a pointer and a length into the `i64` the exports return.
pub fn pack(ptr: u32, len: u32) -> i64 {
    (((ptr as u64) << 32) | len as u64) as i64
}

/// Splits an `i64` returned by an export into pointer and length.
pub fn unpack(packed: i64) -> (u32, u32) {
    let v = packed as u64;
    ((v >> 32) as u32, v as u32)
}

/// The name of the custom section that holds a plugin's [`Manifest`].
pub const MANIFEST_SECTION: &str = "sovstack_manifest";

/// What a plugin module says about itself in its `sovstack_manifest` custom section, as JSON:
/// read without running the module. Unknown keys are refused, so a typo is seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Short name, e.g. `processor`: the name `sovstack_info` gives.
    pub name: String,
    /// The plugin's own version (its crate's).
    pub version: String,
    /// The ABI version it was built for.
    pub abi_version: u32,
    /// Layers it evaluates.
    pub layers: Vec<String>,
    /// Its authors (the crate's `authors`), possibly none.
    pub authors: Vec<String>,
    /// Its licence, an SPDX expression (the crate's `license`); empty when not given.
    pub license: String,
    /// Where its source is (the crate's `repository`); empty when not given.
    pub source: String,
    /// One sentence about it.
    pub description: String,
}

/// What a plugin says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PluginInfo {
    /// Short name, e.g. `processor`.
    pub name: String,
    /// The plugin's own version (semver).
    pub version: String,
    /// Must equal [`ABI_VERSION`].
    pub abi_version: u32,
    /// Layers the plugin evaluates (`processor`, `os`, ...).
    pub layers: Vec<String>,
    /// Criteria the plugin judges (`jurisdiction`, `openness`, ...).
    pub criteria: Vec<String>,
    /// One sentence for `sovstack plugin list`.
    pub description: String,
}

/// Input of `sovstack_evaluate`: one layer, one ruleset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EvaluateRequest {
    /// The host's [`ABI_VERSION`].
    pub abi_version: u32,
    /// The layer being evaluated.
    pub layer: String,
    /// The ruleset's settings and its rules for this layer.
    pub ruleset: RulesetView,
    /// The layer's items, attributed.
    pub items: Vec<AttributedItem>,
}

/// One thing found in a layer (a processor, an operating system, ...) with the actors behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttributedItem {
    /// Identifier, unique within the layer (`cpu0`, `os`).
    pub id: String,
    /// What a person calls it (`AMD EPYC 7B13`, `Debian GNU/Linux 12`).
    pub label: String,
    /// Who stands behind it, one entry per role.
    pub actors: Vec<Actor>,
    /// How much the item counts in the layer, when its items do not all count the same (a
    /// toolchain item weighs the number of binaries it built). Absent means 1. It weighs the item
    /// in `concentration` shares and in `seal_weakest_link`'s mean item levels, never in levels or
    /// findings (see "Criteria" and "Scoring"). Finite and not negative, or the request is refused.
    /// Added within ABI version 1: omitted when absent, so requests without weights are byte for
    /// byte what they were, and a plugin built before it ignores it (every item then weighs 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Why the scan could not assess the item, when it could not: a network endpoint whose DNS
    /// lookups all failed, or that led to no address and no provider (a missing name, an NS or
    /// MX query with no answer, a dead resolver, `--offline`). Such an item has no actor, so no
    /// other criterion judges it; the `assessed` criterion turns it into a finding. Absent when
    /// the item was assessed. Added within ABI version 1: omitted when absent, so requests
    /// without it are byte for byte what they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_assessed: Option<String>,
    /// How much the organisation depends on the item, as its owner labelled it (network
    /// endpoints: `criticality` in the endpoints file). A finding on a `critical` item is one
    /// severity step above its rule's severity (`info` → `low` → `medium` → `high` →
    /// `critical`, which stays `critical`); see "Criticality". The host also weighs the item by
    /// it ([`AttributedItem::weight`]): `low` 0.5, `medium` or unlabelled 1, `high` 2,
    /// `critical` 4. Added within ABI version 1: omitted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Criticality>,
    /// Why the item is past the end of its support, when it is: an operating-system release
    /// whose vendor's (security) support ended before the date of the evaluation, which the host
    /// takes from `SOURCE_DATE_EPOCH`, with the dates and their source. Absent when the item is
    /// supported, when its dates are unknown, or when the evaluation has no date. The
    /// `supported` criterion turns it into a finding. Added within ABI version 1: omitted when
    /// absent, so requests without it are byte for byte what they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_ended: Option<String>,
    /// Why the item is in its extended support window, when it is: its release's regular
    /// (security) support ended before the date of the evaluation, but an extended support
    /// programme the source lists (Debian LTS, Ubuntu's Expanded Security Maintenance) still
    /// runs, with the dates and their source. Absent when [`AttributedItem::support_ended`] is
    /// set. The `supported` criterion gives such an item [`semantics::EXTENDED_SUPPORT_LEVEL`]
    /// and a finding one severity step below its rule's. Added within ABI version 1: omitted
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_extended: Option<String>,
    /// Whether the item is known to be supported on the date of the evaluation: it has a
    /// known support window (an operating-system release, a processor family) whose regular
    /// support has not ended (its end is later, or not announced), and nothing else ends it.
    /// False when its support is unknown (no window known, or the evaluation has no date), when
    /// it ended, or when only extended support is left. The `supported` criterion gives such an
    /// item [`semantics::SUPPORTED_LEVEL`]. Added within ABI version 1: omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub supported: bool,
    /// Years of (security) support left for the item's release on the date of the evaluation,
    /// to a tenth, from its end of support (endoflife.date, through the host's knowledge base):
    /// negative once ended. Absent when the release's end is not announced or not known, or when
    /// the evaluation has no date (`SOURCE_DATE_EPOCH`). The `long_lived_commons` criterion reads
    /// it. Added within ABI version 1: omitted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_years_left: Option<f64>,
    /// Where what a supplier declares is contradicted by what was observed (a declared service of
    /// the `suppliers` layer: a claimed EU jurisdiction served by an operator headquartered outside
    /// the EU, an address located outside the declared data locations). The host establishes
    /// them from the inventory; the `declared_vs_observed` criterion turns each into a finding.
    /// Added within ABI version 1: omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contradictions: Vec<Contradiction>,
    /// The certifications the item's supplier declares ([`certifications::ALL`] names, as
    /// spelt there), which the `certified` criterion looks for. Added within ABI version 1:
    /// omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<String>,
    /// For a destination of the `cable` layer: the cable systems on the candidate routes there,
    /// each with its owners, which `route_diversity`, `route_ownership` and `hyperscaler_share`
    /// judge. Added within ABI version 1: omitted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<CableRoutes>,
}

/// The candidate cable routes to a destination country, as the cable layer records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CableRoutes {
    /// The state whose jurisdiction the destination is under (ISO 3166-1 alpha-2; a territory's
    /// sovereign).
    pub to: String,
    /// The blocs `to` belongs to (`EU`, `EEA`, `NATO`, ...), from the host's knowledge base.
    #[serde(default)]
    pub to_blocs: Vec<String>,
    /// Whether the destination is reached over land (no cable needed).
    pub land: bool,
    /// Every distinct system on the routes (direct or through one intermediate country), by name.
    #[serde(default)]
    pub systems: Vec<RouteSystem>,
}

/// A cable system on the routes to a destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RouteSystem {
    /// Its name.
    pub name: String,
    /// Its owners, as indexes (from 0) into the item's [`AttributedItem::actors`], each once.
    #[serde(default)]
    pub owners: Vec<usize>,
    /// Those of `owners` that are hyperscalers (Google, Meta, Microsoft, Amazon), by the cable
    /// data pack's owners table.
    #[serde(default)]
    pub hyperscalers: Vec<usize>,
}

/// A claim contradicted by an observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contradiction {
    /// The claim and the observation, each with its source, in a sentence.
    pub message: String,
    /// Indexes (from 0) into the item's [`AttributedItem::actors`]: the actors of the claim (a
    /// claimed jurisdiction, or every declared data location), then the actor of the
    /// observation, so the finding carries both pieces of evidence.
    #[serde(default)]
    pub actors: Vec<usize>,
}

/// How much the organisation depends on an item, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Nice to have.
    Low,
    /// Needed.
    Medium,
    /// Needed for daily work.
    High,
    /// The organisation stops without it.
    Critical,
}

impl Criticality {
    /// The weight the host gives an item of this criticality (unlabelled items weigh 1).
    pub fn weight(self) -> f64 {
        match self {
            Criticality::Low => 0.5,
            Criticality::Medium => 1.0,
            Criticality::High => 2.0,
            Criticality::Critical => 4.0,
        }
    }
}

/// Where an item stands with its support on the date of the evaluation, as the `supported`
/// criterion reads it ([`AttributedItem::support_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportStatus {
    /// Supported ([`AttributedItem::supported`]).
    Supported,
    /// Regular support ended, extended support still runs ([`AttributedItem::support_extended`]).
    Extended,
    /// Past the end of its support ([`AttributedItem::support_ended`]).
    Ended,
}

impl AttributedItem {
    /// Where the item stands with its support: ended when [`AttributedItem::support_ended`] is
    /// set, else extended when [`AttributedItem::support_extended`] is, else supported when
    /// [`AttributedItem::supported`]; `None` (unknown, not judged) otherwise.
    pub fn support_status(&self) -> Option<SupportStatus> {
        if self.support_ended.is_some() {
            Some(SupportStatus::Ended)
        } else if self.support_extended.is_some() {
            Some(SupportStatus::Extended)
        } else if self.supported {
            Some(SupportStatus::Supported)
        } else {
            None
        }
    }

    /// The weight the item counts with: [`AttributedItem::weight`], or 1 when absent.
    pub fn effective_weight(&self) -> f64 {
        self.weight.unwrap_or(1.0)
    }

    /// The severity of a finding about this item by a rule of severity `rule`: the rule's, one
    /// step higher when the item is labelled `critical` (see "Criticality"). The only severity
    /// a finding about an item may carry: the host refuses any other.
    pub fn finding_severity(&self, rule: Severity) -> Severity {
        match self.criticality {
            Some(Criticality::Critical) => rule.step_up(),
            _ => rule,
        }
    }
}

/// An organisation that holds part of an item, in one role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Actor {
    /// The role (`isa_owner`, `core_designer`, `soc_vendor`, `foundry`, `steward`, `lineage`,
    /// `kernel`).
    pub role: String,
    /// The organisation, `None` when it could not be established (never guessed).
    pub name: Option<String>,
    /// Headquarters country, ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Blocs the country belongs to (`EU`, `NATO`, `BRICS`, ...).
    #[serde(default)]
    pub blocs: Vec<String>,
    /// Identifiers of the extraterritorial laws that reach an organisation headquartered there
    /// (`us-cloud-act`, `cn-nil-art7`, ...).
    #[serde(default)]
    pub laws: Vec<String>,
    /// How the actor is governed.
    pub governance: Governance,
    /// The country's name in words (`United States`), for messages; absent when the country is
    /// unknown or the knowledge base has no name for it. Added within ABI version 1: omitted
    /// when absent, and a plugin built before it ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
    /// The readable names of [`Actor::laws`], in the same order (`US CLOUD Act`), for
    /// messages. Added within ABI version 1: omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub law_names: Vec<String>,
    /// When `country` is unknown: the country a regional Internet registry delegated the
    /// actor's resources to (a network operator's address space), ISO 3166-1 alpha-2. It is
    /// where the resources were registered, never a headquarters: no criterion counts it as
    /// one (the actor stays `unknown` for `jurisdiction` and `concentration`); messages mention
    /// it, with its low confidence. Added within ABI version 1: omitted when absent, and a
    /// plugin built before it ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_country: Option<String>,
    /// The actor's share of the item, 0-1, when the item's actors do not hold it evenly: a
    /// producing country's share of the production of a material of the `materials` layer, as
    /// USGS attributes it. `concentration` splits an item's control by these shares when every
    /// actor of the rule's roles has one ([`semantics::control_fractions`]). Finite and within
    /// 0-1, or the request is refused (`request/bad-actor-share`). Added within ABI version 1:
    /// omitted when absent, and a plugin built before it ignores it (the control is then split
    /// evenly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

impl Actor {
    /// The readable name of the `i`-th law, or its id when the request carries no name for it.
    pub fn law_name(&self, i: usize) -> Option<&str> {
        match self.law_names.get(i) {
            Some(n) if !n.trim().is_empty() => Some(n.as_str()),
            _ => self.laws.get(i).map(String::as_str),
        }
    }
}

/// How an actor is governed: the non-aligned view gives credit to the commons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Governance {
    /// An open standard anyone may implement without a licence (RISC-V).
    OpenStandard,
    /// A community-governed project (Debian, the Linux kernel community).
    Community,
    /// A non-profit foundation.
    Foundation,
    /// A company.
    Company,
    /// A state or state-owned body.
    State,
    /// Not established.
    Unknown,
}

impl Governance {
    /// Whether the actor is part of the commons (no single controller).
    pub fn is_commons(self) -> bool {
        matches!(self, Governance::OpenStandard | Governance::Community)
    }
}

/// A ruleset as a plugin sees it: its scoring settings and the rules for one layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RulesetView {
    /// Ruleset name (`eu-sovereignty`).
    pub name: String,
    /// Ruleset version.
    pub version: String,
    /// How scores are computed.
    pub scoring: Scoring,
    /// Rules whose `layer` is the request's layer.
    pub rules: Vec<Rule>,
}

/// How a ruleset scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// The aggregation method.
    pub method: ScoringMethod,
    /// `seal_weakest_link`: blocs whose member countries count as home.
    #[serde(default)]
    pub home_blocs: Vec<String>,
    /// `seal_weakest_link`: countries that count as home besides the blocs' members.
    #[serde(default)]
    pub home_countries: Vec<String>,
    /// `seal_weakest_link`: the objectives and their weights.
    #[serde(default)]
    pub objectives: Vec<Objective>,
    /// `bloc_balance`: the poles of power whose shares are measured.
    #[serde(default)]
    pub poles: Vec<Pole>,
    /// `bloc_balance`: credit per unit of commons share (0..1).
    #[serde(default)]
    pub commons_credit: f64,
    /// `bloc_balance`: score thresholds giving the level, from the highest `min_score` and level
    /// down, ending at `min_score: 0`: the first entry whose `min_score` the score reaches
    /// ([`semantics::threshold_level`]).
    #[serde(default)]
    pub level_thresholds: Vec<LevelThreshold>,
}

/// The two aggregation methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScoringMethod {
    /// EU Cloud Sovereignty Framework: SEAL levels per objective, weakest link decides.
    SealWeakestLink,
    /// Non-aligned: no single pole of power should control a layer.
    BlocBalance,
}

/// A sovereignty objective (SOV-1 ... SOV-8) and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// `SOV-5`.
    pub id: String,
    /// `Supply chain`.
    pub name: String,
    /// Weight in percent.
    pub weight: f64,
}

/// A pole of power for the non-aligned view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pole {
    /// `US`, `CN`, `EU`, ...
    pub id: String,
    /// `United States`.
    pub name: String,
    /// Countries the pole holds.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Blocs whose members the pole holds (`EU`).
    #[serde(default)]
    pub blocs: Vec<String>,
}

/// A score threshold and the level it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LevelThreshold {
    /// Lowest score (0-100) that reaches the level.
    pub min_score: f64,
    /// Level 0-4.
    pub level: u8,
}

/// One rule of a ruleset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable identifier (`eu.processor.designer-jurisdiction`).
    pub id: String,
    /// The layer it judges.
    pub layer: String,
    /// One line saying what the rule asks.
    pub title: String,
    /// Objective it contributes to (`SOV-5`), for `seal_weakest_link`.
    #[serde(default)]
    pub objective: Option<String>,
    /// Severity of its findings.
    pub severity: Severity,
    /// Weight within its objective.
    pub weight: f64,
    /// What is judged.
    pub criterion: Criterion,
    /// What an organisation can do about a finding of the rule, in a sentence or two, as the
    /// ruleset says it; reports show it beside the finding. Read from the ruleset file, never
    /// sent to a plugin (left out of requests, so their bytes and the plugins' answers do not
    /// depend on it).
    #[serde(default, skip_serializing)]
    pub remediation: Option<String>,
}

/// Severity of a finding, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// One step down, `info` staying `info`: the severity of a `supported` finding about an
    /// item in its extended support window ([`semantics::base_severity`]).
    pub fn step_down(self) -> Severity {
        match self {
            Severity::Info | Severity::Low => Severity::Info,
            Severity::Medium => Severity::Low,
            Severity::High => Severity::Medium,
            Severity::Critical => Severity::High,
        }
    }

    /// One step up, `critical` staying `critical`: the severity of a finding about an item
    /// labelled `critical` (see "Criticality"; [`AttributedItem::finding_severity`]).
    pub fn step_up(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// What a rule judges. Externally tagged: `criterion: {jurisdiction: {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Criterion {
    /// Where the actors are headquartered, and which laws reach them.
    Jurisdiction {
        /// Roles whose actors are judged.
        roles: Vec<String>,
        /// Level for each class of actor.
        levels: JurisdictionLevels,
        /// Items below this level give a finding.
        pass_level: u8,
    },
    /// How the actors are governed.
    Openness {
        /// Roles whose actors are judged.
        roles: Vec<String>,
        /// Level for each kind of governance.
        levels: OpennessLevels,
        /// Items below this level give a finding.
        pass_level: u8,
    },
    /// Actors whose identity could not be established.
    KnownAttribution {
        /// Roles whose actors must be known.
        roles: Vec<String>,
    },
    /// Items the scan could not assess ([`AttributedItem::not_assessed`]). Names no role.
    Assessed {},
    /// Items past the end of their support ([`AttributedItem::support_ended`]). Names no role.
    Supported {},
    /// Claims of a supplier contradicted by observations ([`AttributedItem::contradictions`]).
    /// Names no role.
    DeclaredVsObserved {},
    /// Items whose supplier declares none of these certifications
    /// ([`AttributedItem::certifications`]). Names no role.
    Certified {
        /// The certifications that satisfy the rule, any one of them ([`certifications::ALL`]
        /// names).
        any_of: Vec<String>,
    },
    /// Cable routes to a destination outside home not held by at least `min_systems` systems
    /// that no single country outside home controls ([`AttributedItem::routes`]). Names no role.
    RouteDiversity {
        /// How many systems must be left, whichever one country outside home is taken out.
        min_systems: u32,
    },
    /// A pole holding more than `max_share` of the ownership of the cable routes to a
    /// destination ([`AttributedItem::routes`]). Names no role.
    RouteOwnership {
        /// The largest share a pole may hold, 0-1.
        max_share: f64,
    },
    /// Hyperscalers holding more than `max_share` of the ownership of the cable routes to a
    /// destination ([`AttributedItem::routes`]). Names no role.
    HyperscalerShare {
        /// The largest share hyperscalers may hold, 0-1.
        max_share: f64,
    },
    /// Items that are a commons and stay supported for long: every actor of `roles` is an open
    /// standard or a community project, and [`AttributedItem::support_years_left`] is at least
    /// `min_years`. One informational credit per such item; an item whose support horizon is
    /// unknown is not credited.
    LongLivedCommons {
        /// Roles whose actors must all be commons (at least one actor).
        roles: Vec<String>,
        /// The fewest years of support left that earn the credit.
        min_years: f64,
    },
    /// How much of the layer each pole of power controls.
    Concentration {
        /// Roles whose actors share control of an item.
        roles: Vec<String>,
        /// A single pole holding more than this share gives a finding.
        max_share: f64,
        /// A concentration index (HHI, 0..1) above this gives a finding.
        max_index: f64,
    },
}

impl Criterion {
    /// The snake_case name of the criterion.
    pub fn name(&self) -> &'static str {
        match self {
            Criterion::Jurisdiction { .. } => "jurisdiction",
            Criterion::Openness { .. } => "openness",
            Criterion::KnownAttribution { .. } => "known_attribution",
            Criterion::Assessed {} => "assessed",
            Criterion::Supported {} => "supported",
            Criterion::DeclaredVsObserved {} => "declared_vs_observed",
            Criterion::Certified { .. } => "certified",
            Criterion::RouteDiversity { .. } => "route_diversity",
            Criterion::RouteOwnership { .. } => "route_ownership",
            Criterion::HyperscalerShare { .. } => "hyperscaler_share",
            Criterion::LongLivedCommons { .. } => "long_lived_commons",
            Criterion::Concentration { .. } => "concentration",
        }
    }

    /// The roles the criterion looks at (none for `assessed`).
    pub fn roles(&self) -> &[String] {
        match self {
            Criterion::Jurisdiction { roles, .. }
            | Criterion::Openness { roles, .. }
            | Criterion::KnownAttribution { roles }
            | Criterion::LongLivedCommons { roles, .. }
            | Criterion::Concentration { roles, .. } => roles,
            Criterion::Assessed {}
            | Criterion::Supported {}
            | Criterion::DeclaredVsObserved {}
            | Criterion::Certified { .. }
            | Criterion::RouteDiversity { .. }
            | Criterion::RouteOwnership { .. }
            | Criterion::HyperscalerShare { .. } => &[],
        }
    }

    /// Whether the criterion judges actors, and so must name roles.
    pub fn names_roles(&self) -> bool {
        !matches!(
            self,
            Criterion::Assessed {}
                | Criterion::Supported {}
                | Criterion::DeclaredVsObserved {}
                | Criterion::Certified { .. }
                | Criterion::RouteDiversity { .. }
                | Criterion::RouteOwnership { .. }
                | Criterion::HyperscalerShare { .. }
        )
    }
}

/// Levels (0-4) for the classes of the `jurisdiction` criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JurisdictionLevels {
    /// Headquartered at home.
    pub home: u8,
    /// Headquartered abroad, no extraterritorial law known to reach it.
    pub foreign: u8,
    /// Reached by an extraterritorial law.
    pub extraterritorial: u8,
    /// No country, but part of the commons (an international community, an open standard).
    pub commons: u8,
    /// Country not established.
    pub unknown: u8,
}

impl JurisdictionLevels {
    /// Each class with its level, named as in a ruleset, in declaration order: the table
    /// [`semantics::check`] goes through.
    pub fn entries(&self) -> [(&'static str, u8); 5] {
        [
            ("home", self.home),
            ("foreign", self.foreign),
            ("extraterritorial", self.extraterritorial),
            ("commons", self.commons),
            ("unknown", self.unknown),
        ]
    }
}

/// Levels (0-4) for each [`Governance`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OpennessLevels {
    /// Open standard.
    pub open_standard: u8,
    /// Community project.
    pub community: u8,
    /// Foundation.
    pub foundation: u8,
    /// Company.
    pub company: u8,
    /// State body.
    pub state: u8,
    /// Unknown.
    pub unknown: u8,
}

impl OpennessLevels {
    /// Each governance with its level, named as in a ruleset, in declaration order: the table
    /// [`semantics::check`] goes through.
    pub fn entries(&self) -> [(&'static str, u8); 6] {
        [
            ("open_standard", self.open_standard),
            ("community", self.community),
            ("foundation", self.foundation),
            ("company", self.company),
            ("state", self.state),
            ("unknown", self.unknown),
        ]
    }

    /// The level for a governance.
    pub fn level(&self, g: Governance) -> u8 {
        match g {
            Governance::OpenStandard => self.open_standard,
            Governance::Community => self.community,
            Governance::Foundation => self.foundation,
            Governance::Company => self.company,
            Governance::State => self.state,
            Governance::Unknown => self.unknown,
        }
    }
}

/// Output of `sovstack_evaluate`. Read strictly: a misspelled key or a missing `findings` is a
/// malformed response, not an empty one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluateResponse {
    /// What the rules found, in rule order then item order.
    pub findings: Vec<Finding>,
    /// The layer's score under the ruleset; `None` when nothing was judged (see "Scoring").
    #[serde(default)]
    pub score: Option<LayerScore>,
    /// Set when the plugin could not evaluate the request (an unsupported criterion, ...).
    #[serde(default)]
    pub error: Option<String>,
}

/// One thing a rule found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The rule's id.
    pub rule: String,
    /// The item's id; `None` for a layer-wide finding.
    pub item: Option<String>,
    /// Severity, from the rule.
    pub severity: Severity,
    /// Objective, from the rule.
    #[serde(default)]
    pub objective: Option<String>,
    /// Level 0-4 the rule gave the item, where it gives one.
    #[serde(default)]
    pub level: Option<u8>,
    /// A sentence or two for a person: who, in what role, where, which law, and what it means.
    pub message: String,
    /// The evidence: indexes (from 0) into the item's [`AttributedItem::actors`] of the actors
    /// the finding is about, in the item's order; empty for a layer-wide finding. The report
    /// keeps the item's actors in the same order, each with its confidence. Added within ABI
    /// version 1: omitted when empty, absent from the responses of plugins built before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<usize>,
}

/// A layer's score under one ruleset.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LayerScore {
    /// 0-100, higher is more sovereign.
    pub score: f64,
    /// 0-4 (SEAL level, or the level from the thresholds).
    pub level: u8,
    /// `seal_weakest_link`: level and score per objective the layer's rules touch.
    #[serde(default)]
    pub objectives: BTreeMap<String, ObjectiveScore>,
    /// `bloc_balance`: share of the layer held by each pole, plus `commons`, `other`, `unknown`.
    #[serde(default)]
    pub shares: BTreeMap<String, f64>,
    /// `bloc_balance`: Herfindahl-Hirschman index over the poles (0..1).
    #[serde(default)]
    pub concentration_index: Option<f64>,
}

/// Level and score of one objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObjectiveScore {
    /// 0-4.
    pub level: u8,
    /// 0-100.
    pub score: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips() {
        for (p, l) in [(0u32, 0u32), (1, 2), (u32::MAX, u32::MAX), (0x1000, 77)] {
            assert_eq!(unpack(pack(p, l)), (p, l));
        }
    }

    #[test]
    fn criterion_is_externally_tagged() {
        let c: Criterion =
            serde_json::from_str(r#"{"known_attribution":{"roles":["isa_owner"]}}"#).unwrap();
        assert_eq!(c.name(), "known_attribution");
        assert_eq!(c.roles(), ["isa_owner".to_string()]);
        assert!(serde_json::from_str::<Criterion>(r#"{"bogus":{}}"#).is_err());
    }

    #[test]
    fn responses_are_read_strictly() {
        assert!(serde_json::from_str::<EvaluateResponse>(r#"{"findings":[]}"#).is_ok());
        for bad in [
            r#"{}"#,
            r#"{"finding":[]}"#,
            r#"{"findings":[],"scores":null}"#,
        ] {
            assert!(
                serde_json::from_str::<EvaluateResponse>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn item_weight_is_optional_and_omitted_when_absent() {
        let item: AttributedItem =
            serde_json::from_str(r#"{"id":"a","label":"A","actors":[]}"#).unwrap();
        assert_eq!((item.weight, item.effective_weight()), (None, 1.0));
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"id":"a","label":"A","actors":[]}"#
        );
        let item: AttributedItem =
            serde_json::from_str(r#"{"id":"a","label":"A","actors":[],"weight":61}"#).unwrap();
        assert_eq!((item.weight, item.effective_weight()), (Some(61.0), 61.0));
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"id":"a","label":"A","actors":[],"weight":61.0}"#
        );
        let zero: AttributedItem =
            serde_json::from_str(r#"{"id":"a","label":"A","actors":[],"weight":0}"#).unwrap();
        assert_eq!(zero.effective_weight(), 0.0);
    }

    #[test]
    fn not_assessed_and_criticality_are_optional_and_omitted_when_absent() {
        let item: AttributedItem =
            serde_json::from_str(r#"{"id":"a","label":"A","actors":[]}"#).unwrap();
        assert_eq!(
            (item.not_assessed.as_deref(), item.criticality),
            (None, None)
        );
        let json = r#"{"id":"a","label":"A","actors":[],"not_assessed":"no address","criticality":"critical"}"#;
        let item: AttributedItem = serde_json::from_str(json).unwrap();
        assert_eq!(
            (item.not_assessed.as_deref(), item.criticality),
            (Some("no address"), Some(Criticality::Critical))
        );
        assert_eq!(serde_json::to_string(&item).unwrap(), json);
        let c: Criterion = serde_json::from_str(r#"{"assessed":{}}"#).unwrap();
        assert_eq!(
            (c.name(), c.roles().len(), c.names_roles()),
            ("assessed", 0, false)
        );
        assert!(serde_json::from_str::<Criterion>(r#"{"assessed":{"roles":[]}}"#).is_err());
    }

    #[test]
    fn level_tables_name_every_field_as_a_ruleset_does() {
        let j = JurisdictionLevels {
            home: 0,
            foreign: 1,
            extraterritorial: 2,
            commons: 3,
            unknown: 4,
        };
        let o = OpennessLevels {
            open_standard: 0,
            community: 1,
            foundation: 2,
            company: 3,
            state: 4,
            unknown: 0,
        };
        for (json, entries) in [
            (serde_json::to_value(&j).unwrap(), j.entries().to_vec()),
            (serde_json::to_value(&o).unwrap(), o.entries().to_vec()),
        ] {
            let fields = json.as_object().unwrap();
            assert_eq!(fields.len(), entries.len());
            for (name, level) in entries {
                assert_eq!(fields[name], serde_json::json!(level), "{name}");
            }
        }
        for g in [
            Governance::OpenStandard,
            Governance::Community,
            Governance::Foundation,
            Governance::Company,
            Governance::State,
            Governance::Unknown,
        ] {
            let name = serde_json::to_value(g).unwrap();
            let by_name = o
                .entries()
                .iter()
                .find(|(n, _)| *n == name.as_str().unwrap())
                .map(|(_, l)| *l);
            assert_eq!(by_name, Some(o.level(g)), "{name}");
        }
    }

    /// The table of "Roles per layer" in the module docs is [`Layer::roles`].
    #[test]
    fn roles_table_in_the_docs_is_the_code() {
        let docs = include_str!("lib.rs");
        let table: Vec<(String, Vec<String>)> = docs
            .lines()
            .skip_while(|l| *l != "//! # Roles per layer")
            .skip_while(|l| !l.starts_with("//! |---"))
            .skip(1)
            .take_while(|l| l.starts_with("//! | "))
            .map(|l| {
                let cells: Vec<&str> = l.trim_start_matches("//! |").split('|').collect();
                let words = |c: &str| -> Vec<String> {
                    c.split(',')
                        .map(|w| w.trim().trim_matches('`').to_string())
                        .collect()
                };
                (words(cells[0]).remove(0), words(cells[1]))
            })
            .collect();
        let code: Vec<(String, Vec<String>)> = Layer::ALL
            .iter()
            .map(|l| {
                let roles = l.roles().iter().map(|r| r.as_str().to_string()).collect();
                (l.id().to_string(), roles)
            })
            .collect();
        assert_eq!(table, code);
    }

    #[test]
    fn commons_are_open_standards_and_communities() {
        assert!(Governance::OpenStandard.is_commons());
        assert!(Governance::Community.is_commons());
        assert!(!Governance::Foundation.is_commons());
        assert!(!Governance::Company.is_commons());
    }
}
