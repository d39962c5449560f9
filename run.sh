#!/usr/bin/env bash
# Runs Archway on its embedded defaults: `./run.sh` is `archway up` (SQLite, keys and images under ./archway-data,
# Identity on 127.0.0.1:5000, Image on 127.0.0.1:9292). Any arguments go to `archway`, e.g.
# `./run.sh up --bootstrap-password secret`, `./run.sh db version`, `./run.sh --help`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/.archway"
# Published ReadyToRun (precompiled), so that start-up does not wait for the JIT: about 0.5 s sooner to the first
# answer. Should the platform have no ReadyToRun compiler, the plain build runs instead.
rid=$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')
if ! dotnet publish "$here/src/Archway/Archway.csproj" -c Release -r "$rid" --self-contained false \
     -p:PublishReadyToRun=true -o "$out" -v quiet -nologo >&2; then
  echo "run.sh: ReadyToRun publish failed; running the plain build" >&2
  dotnet build "$here/src/Archway/Archway.csproj" -c Release -v quiet -nologo >&2
  out="$here/src/Archway/bin/Release/net10.0"
fi
if [ $# -eq 0 ]; then set -- up; fi
exec dotnet "$out/archway.dll" "$@"
