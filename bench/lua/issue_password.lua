-- POST /v3/auth/tokens, password method, project-scoped.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s",' ..
  '"domain":{"name":"Default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}',
  os.getenv("DEMO_USERNAME"), os.getenv("DEMO_PASSWORD"), os.getenv("DEMO_PROJECT_NAME"))
