-- Creates revocation events over the API, as any Keystone takes them, in two wrk runs (REVOKE_PHASE):
--   issue:  issues REVOKE_PER_THREAD tokens per thread with the token method (rescoping the demo user's unscoped
--           token, as issue_token.lua does) and writes them to REVOKE_DIR/tokens-<thread>;
--   revoke: revokes each of them with DELETE /v3/auth/tokens (one event on that token's own audit id; the unscoped
--           token and the tokens the scenarios use stay valid).
-- Two runs, not issue-revoke pairs: after an event Archway (like any Fernet Keystone that checks issued_before to the
-- second) holds a new token to the next second, so interleaving would measure that wait rather than create events.
-- A thread that is done appends a line to REVOKE_DIR/done-<phase> and then only asks for GET /v3 until measure.sh stops wrk
-- (wrk itself always runs its whole duration).
local phase = os.getenv("REVOKE_PHASE")
local dir = os.getenv("REVOKE_DIR")
local admin_token = os.getenv("AUTH_TOKEN")
local issue_body = string.format('{"auth":{"identity":{"methods":["token"],"token":{"id":"%s"}},' ..
  '"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}',
  os.getenv("UNSCOPED_TOKEN"), os.getenv("DEMO_PROJECT_NAME"))
local threads = {}
local quota, asked, tokens, file, finished, verified = 0, 0, {}, nil, false, false
issued, revoked, failed = 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local path = dir .. "/tokens-" .. thread_number
  if phase == "issue" then
    quota = tonumber(os.getenv("REVOKE_PER_THREAD"))
    file = io.open(path, "w")
    -- Line-buffered: a run stopped by its time bound still leaves every token it got for the revoke run.
    file:setvbuf("line")
  else
    for line in io.lines(path) do table.insert(tokens, line) end
    quota = #tokens
  end
end

local function finish()
  if not finished and (issued + revoked + failed >= quota) then
    finished = true
    if file then file:close() end
    local done_file = io.open(dir .. "/done-" .. phase, "a")
    done_file:write(phase, " ", thread_number, "\n")
    done_file:close()
  end
end

function request()
  -- wrk calls the first thread's request() once before it starts, to check what it returns, and never sends that
  -- request: it must not take a token or count as asked.
  if thread_number == 1 and not verified then
    verified = true
    return wrk.format("GET", "/v3")
  end
  if phase == "issue" and asked < quota then
    asked = asked + 1
    return wrk.format("POST", "/v3/auth/tokens", { ["Content-Type"] = "application/json" }, issue_body)
  end
  if phase == "revoke" then
    local token = table.remove(tokens)
    if token then
      return wrk.format("DELETE", "/v3/auth/tokens", { ["X-Auth-Token"] = admin_token, ["X-Subject-Token"] = token })
    end
  end
  -- Every request of this phase is asked for (or this thread has none): finish once the last answer is in.
  finish()
  return wrk.format("GET", "/v3")
end

function response(status, headers, body)
  if status == 201 then
    for name, value in pairs(headers) do
      if string.lower(name) == "x-subject-token" then
        file:write(value, "\n")
        issued = issued + 1
      end
    end
  elseif status == 204 then
    revoked = revoked + 1
  elseif status ~= 200 then
    failed = failed + 1
  end
  finish()
end

function done(summary, latency, requests)
  local totals = { issued = 0, revoked = 0, failed = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  local e = summary.errors
  io.write(string.format("REVOKE issued %d revoked %d failed %d in %.1f s, socket errors %d\n",
    totals.issued, totals.revoked, totals.failed, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout))
end
