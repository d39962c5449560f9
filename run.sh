#!/usr/bin/env bash
# Runs Archway on its embedded defaults: `./run.sh` is `archway up` (SQLite and keys under ./archway-data,
# Identity on 127.0.0.1:5000). Any arguments go to `archway`, e.g. `./run.sh up --bootstrap-password secret`,
# `./run.sh db version`, `./run.sh --help`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/src/Archway/Archway.csproj" -c Release -v quiet -nologo >&2
if [ $# -eq 0 ]; then set -- up; fi
exec dotnet "$here/src/Archway/bin/Release/net10.0/archway.dll" "$@"
