-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script: GET QD_PATH with the bearer token QD_TOKEN (an empty incremental poll).
local token = os.getenv("QD_TOKEN")
local path = os.getenv("QD_PATH")
-- QD_DELAY_MS: think time of each client between its requests (0: as fast as possible).
local pause = tonumber(os.getenv("QD_DELAY_MS") or "0")

function delay()
  return pause
end

function init(args)
  headers = { ["Authorization"] = "Bearer " .. token }
end

function request()
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  io.write(string.format("qd: requests %d duration_us %d p50_us %d p99_us %d errors %d\n",
                         summary.requests, summary.duration, latency:percentile(50),
                         latency:percentile(99), summary.errors.status + summary.errors.timeout))
end
