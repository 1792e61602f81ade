-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script (1 thread, 1 connection): follows the change feed page by page with
-- QD_LIMIT changes a page; at the end starts again from the beginning. Counts changes.
local token = os.getenv("QD_TOKEN")
local limit = tonumber(os.getenv("QD_LIMIT") or "5000")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  cursor = nil
  changes = 0
  passes = 0
  headers = { ["Authorization"] = "Bearer " .. token }
  if os.getenv("QD_GZIP") == "1" then headers["Accept-Encoding"] = "gzip" end
end

function request()
  local path = "/api/v1/changes?limit=" .. limit
  if cursor then path = path .. "&since=" .. cursor end
  return wrk.format("GET", path, headers)
end

function response(status, hdrs, body)
  if status ~= 200 then
    cursor = nil
    return
  end
  local more = string.find(body, '"has_more":true', -40, true) ~= nil
  if more then
    changes = changes + limit
    cursor = string.match(body, '"cursor":"([^"]+)"', -120)
  else
    local _, n = string.gsub(body, '"seq":', '')
    changes = changes + n
    cursor = nil
    passes = passes + 1
  end
end

function done(summary, latency, requests)
  local total, full = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("changes")
    full = full + t:get("passes")
  end
  io.write(string.format("qd: changes %d passes %d requests %d duration_us %d\n",
                         total, full, summary.requests, summary.duration))
end
