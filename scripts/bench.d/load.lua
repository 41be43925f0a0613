-- wrk script for scripts/bench. One file for the three load tests; the mode comes from the
-- environment because wrk evaluates this file before it hands over any argument:
--
--   BENCH_MODE=healthz  GET /healthz                      (the baseline: routing, middlewares, one SELECT 1)
--   BENCH_MODE=config   GET /v1/config?lang=de            (what consent.js asks on every page view)
--   BENCH_MODE=state    GET /v1/consents/$BENCH_CONSENT_ID (a returning visitor's page view: one ledger read)
--   BENCH_MODE=consents POST /v1/consents                 (validated, hash-chained, committed before the 201)
--   BENCH_MODE=contacts POST /v1/contact-requests         (validated, sealed, blind-indexed, committed)
--   BENCH_MODE=refused  GET /v1/consents/                 (400: a path not in canonical form; ab.sh only)
--   BENCH_MODE=invalid  POST /v1/consents without method  (422 naming the field; ab.sh only)
--
--   BENCH_POLICY_VERSION  the policy_version the consents must name (taken from GET /v1/config)
--   BENCH_OUT             where done() writes the summary as JSON (requests, errors, latency in µs)
--
-- Every request is also checked by wrk itself: a status >= 400 counts as errors.status, which
-- scripts/bench turns into a failed run (a fast stream of 422s measures nothing).

local mode = os.getenv("BENCH_MODE") or "healthz"
local policy_version = os.getenv("BENCH_POLICY_VERSION") or "2024-03-01"

local json_headers = {
   ["Content-Type"] = "application/json; charset=utf-8",
   ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
}

if mode == "healthz" then
   wrk.method = "GET"
   wrk.path = "/healthz"
elseif mode == "config" then
   wrk.method = "GET"
   wrk.path = "/v1/config?lang=de"
elseif mode == "state" then
   wrk.method = "GET"
   wrk.path = "/v1/consents/" .. (os.getenv("BENCH_CONSENT_ID") or "")
elseif mode == "consents" then
   -- A banner choice as consent.js sends it: no consent_id, so every request issues a new id and
   -- appends one ledger entry (the common case: a first visit).
   wrk.method = "POST"
   wrk.path = "/v1/consents"
   wrk.headers = json_headers
   wrk.body = '{"policy_version":"' .. policy_version .. '",'
      .. '"purposes":{"necessary":true,"external_media":false},'
      .. '"services":{"youtube":false,"google_maps":false},'
      .. '"method":"accept_selection","page_url":"https://www.example.org/quartier/veranstaltungen","language":"de"}'
elseif mode == "contacts" then
   -- The contact form, with a different address per request (a different blind-index value each
   -- time, as in real use). The sealed payload is about 300 bytes, as in the sealing-rate tool.
   local counter = 0
   local template = '{"name":"Erika Mustermann","email":"bench+%d-%d@example.org","phone":"+49 3605 123456",'
      .. '"message":"Guten Tag, ich interessiere mich fuer das Nachbarschaftsfest im Juni und moechte gern beim Aufbau helfen. Bitte rufen Sie mich zurueck.",'
      .. '"callback_time":"werktags nach 16 Uhr","privacy_notice_accepted":true}'
   function request()
      counter = counter + 1
      return wrk.format("POST", "/v1/contact-requests", json_headers, string.format(template, tid or 0, counter))
   end
elseif mode == "refused" then
   -- Refusing must cost less than accepting: these answers are all 400 (counted as errors.status).
   wrk.method = "GET"
   wrk.path = "/v1/consents/"
elseif mode == "invalid" then
   -- A consent body that parses but breaks a rule: 422 with the field named, nothing stored.
   wrk.method = "POST"
   wrk.path = "/v1/consents"
   wrk.headers = json_headers
   wrk.body = '{"policy_version":"' .. policy_version .. '","purposes":{"necessary":true}}'
else
   error("BENCH_MODE must be healthz, config, state, consents, contacts, refused or invalid, not " .. mode)
end

local next_tid = 1
function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
end

function done(summary, latency, requests)
   local e = summary.errors
   local out = string.format(
      '{"mode":"%s","requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      mode, summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max)
   local path = os.getenv("BENCH_OUT")
   if path then
      local f = assert(io.open(path, "w"))
      f:write(out)
      f:close()
   else
      io.write(out)
   end
end
