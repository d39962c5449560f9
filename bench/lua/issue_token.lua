-- POST /v3/auth/tokens, token method: rescopes the demo user's unscoped token to the demo project.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"auth":{"identity":{"methods":["token"],"token":{"id":"%s"}},' ..
  '"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}',
  os.getenv("UNSCOPED_TOKEN"), os.getenv("DEMO_PROJECT_NAME"))
