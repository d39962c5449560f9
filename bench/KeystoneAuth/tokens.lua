-- wrk script: GET with X-Auth-Token picked at random per request from TOKENS_FILE (one token a line), and one
-- RESULT line at the end (requests/s, p50/p99 latency in microseconds, non-2xx count, socket errors).
-- With SERVICE_TOKEN set the picked token goes in X-Subject-Token and SERVICE_TOKEN in X-Auth-Token: Identity's
-- GET /v3/auth/tokens, as the middleware calls it.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

tokens = {}
statuses = {}
local service_token = os.getenv("SERVICE_TOKEN")

function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  math.randomseed(os.time() * 100 + id)
end

function request()
  local token = tokens[math.random(#tokens)]
  if service_token and #service_token > 0 then
    return wrk.format("GET", wrk.path, { ["X-Auth-Token"] = service_token, ["X-Subject-Token"] = token })
  end
  return wrk.format("GET", wrk.path, { ["X-Auth-Token"] = token })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("statuses")) do
      if status < 200 or status > 299 then non2xx = non2xx + count end
    end
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.0f p50_us=%d p99_us=%d mean_us=%.0f non2xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    latency.mean, non2xx, e.connect + e.read + e.write + e.timeout))
end
