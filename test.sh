#!/usr/bin/env bash
# Runs every Archway test on a fresh Debian machine: installs the Debian packages the tests drive (the real
# `openstack` and `glance` CLIs and openstacksdk; Keystone's, Glance's and keystonemiddleware's Python source for the
# Fernet, password, policy and image cross-checks; redis-server for the shared token cache; mariadb-server and
# postgresql, the other two database engines), restores NuGet packages, builds, checks formatting, starts MariaDB and
# PostgreSQL, runs the in-process and interop suites (on SQLite), then the Identity and Image in-process suites once
# more on each of MariaDB and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(python3-openstackclient python3-openstacksdk python3-glanceclient python3-keystone python3-keystonemiddleware python3-glance redis-server qemu-utils mariadb-server postgresql)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

configuration=Release
dotnet restore Archway.slnx
dotnet build Archway.slnx -c "$configuration" --no-restore
dotnet format Archway.slnx --verify-no-changes --no-restore

# MariaDB and PostgreSQL with the guide's keystone and glance databases; exports ARCHWAY_TEST_MYSQL_URL and
# ARCHWAY_TEST_POSTGRES_URL, which the data tests (and the runs below) use.
eval "$(tests/databases/start.sh)"

log=$(mktemp)
status=0
dotnet test Archway.slnx -c "$configuration" --no-build 2>&1 | tee "$log" || status=$?
# The HTTP suites again on the other engines; each of their servers gets a fresh database.
for engine in mysql postgres; do
  for project in tests/Archway.Tests/Archway.Tests.csproj tests/Archway.Image.Tests/Archway.Image.Tests.csproj; do
    echo "test.sh: $project on $engine"
    # The outage tests run their own private servers of both engines already, in the run above.
    ARCHWAY_TEST_DATABASE=$engine dotnet test "$project" -c "$configuration" --no-build \
      --filter "FullyQualifiedName!~DatabaseOutageTests" 2>&1 | tee -a "$log" || status=$?
  done
done
# One closing line for the whole run, summed over the test projects' own summaries.
awk '/(Passed|Failed)! +- +Failed: / {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
