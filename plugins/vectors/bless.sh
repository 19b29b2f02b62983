#!/usr/bin/env bash
# Rewrites the test vectors (plugins/vectors/LAYER/*.json) from the SDK judge's tests: removes
# them all, then runs those tests with SOVSTACK_BLESS=1, which write every vector they give (see
# plugins/sdk/src/judge/vectors.rs). Without SOVSTACK_BLESS, plugins/test.sh checks they are
# current. Review the diff before committing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
find "$here" -mindepth 2 -name '*.json' -delete
SOVSTACK_BLESS=1 "$here/../test.sh" -p sovstack-plugin-sdk judge::
test -n "$(find "$here" -mindepth 2 -name '*.request.json')"
