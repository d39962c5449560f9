-- GET /v3/auth/tokens: the admin's token validates the demo user's.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
wrk.method = "GET"
wrk.headers["Accept"] = "application/json"
wrk.headers["X-Auth-Token"] = os.getenv("AUTH_TOKEN")
wrk.headers["X-Subject-Token"] = os.getenv("SUBJECT_TOKEN")
