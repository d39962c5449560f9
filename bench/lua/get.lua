-- GET with X-Auth-Token (project list, catalog, image list).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Accept"] = "application/json"
wrk.headers["X-Auth-Token"] = os.getenv("AUTH_TOKEN")
