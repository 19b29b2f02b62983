#!/usr/bin/env python3
"""Writes an SPDX 2.3 JSON SBOM of the Python packages installed in a site-packages directory,
with spdx-tools (PyPI `spdx-tools`): the document is built with its model, validated by it, and
written by its JSON writer. The document describes the environment, which depends on every
package installed in it. Each package gets its name, version, a `purl` external reference
(`pkg:pypi/<normalised name>@<version>`) and its licence: the package's `License-Expression`
metadata, or its `License` field when that is a valid SPDX expression, else NOASSERTION.

Usage: spdx_from_venv.py SITE_PACKAGES OUT.spdx.json   (time from SOURCE_DATE_EPOCH)
"""
import datetime
import importlib.metadata
import os
import re
import sys

from spdx_tools.common.spdx_licensing import spdx_licensing
from spdx_tools.spdx.model import (
    Actor, ActorType, CreationInfo, Document, ExternalPackageRef, ExternalPackageRefCategory,
    Package, Relationship, RelationshipType, SpdxNoAssertion,
)
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
from spdx_tools.spdx.writer.write_anything import write_file


def licence(meta):
    for text in (meta.get("License-Expression"), meta.get("License")):
        if not text or "\n" in text.strip():
            continue
        try:
            expr = spdx_licensing.parse(text.strip(), validate=True, strict=True)
        except Exception:
            continue
        return expr
    return SpdxNoAssertion()


def main(site, out):
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)
    info = CreationInfo(
        spdx_version="SPDX-2.3", spdx_id="SPDXRef-DOCUMENT", name="python-venv",
        document_namespace="https://sovstack.invalid/spdx/python-venv", data_license="CC0-1.0",
        creators=[Actor(ActorType.TOOL, "spdx-tools (sovstack tests/sbom/spdx_from_venv.py)")],
        created=created,
    )
    # The environment itself is the document's subject; it depends on every package in it.
    root = Package(spdx_id="SPDXRef-Environment", name="python-venv",
                   download_location=SpdxNoAssertion(), files_analyzed=False)
    packages = [root]
    relationships = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, root.spdx_id)]
    dists = sorted(importlib.metadata.distributions(path=[site]),
                   key=lambda d: d.metadata["Name"].lower())
    for i, d in enumerate(dists):
        name, version = d.metadata["Name"], d.version
        norm = re.sub(r"[-_.]+", "-", name).lower()
        spdx_id = f"SPDXRef-Package-{i}"
        packages.append(Package(
            spdx_id=spdx_id, name=name, version=version, download_location=SpdxNoAssertion(),
            files_analyzed=False, license_declared=licence(d.metadata),
            external_references=[ExternalPackageRef(
                ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", f"pkg:pypi/{norm}@{version}")],
        ))
        relationships.append(Relationship(root.spdx_id, RelationshipType.DEPENDS_ON, spdx_id))
    doc = Document(creation_info=info, packages=packages, relationships=relationships)
    problems = validate_full_spdx_document(doc)
    if problems:
        sys.exit("\n".join(p.validation_message for p in problems))
    write_file(doc, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
