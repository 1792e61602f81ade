-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script: POST /api/v1/mutations with QD_BATCH order.submit mutations per request,
-- every mutation and order id unique (a per-thread random prefix and a counter).
local token = os.getenv("QD_TOKEN")
local product = os.getenv("QD_PRODUCT")
local qty = os.getenv("QD_QTY") or "1"
local batch = tonumber(os.getenv("QD_BATCH") or "1")
local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919 + math.floor(os.clock() * 1000000))
  prefix = string.format("%08x", math.random(0, 0x7fffffff))
  counter = 0
  rejected = 0
  headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function request()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = string.format(
      '{"id":"%s-%04x-4000-8000-%012x","type":"order.submit","payload":{"order_id":' ..
      '"%s-%04x-4001-8000-%012x","lines":[{"product_id":"%s","qty":%s}]}}',
      prefix, tid, counter, prefix, tid, counter, product, qty)
  end
  return wrk.format("POST", "/api/v1/mutations", headers,
                    '{"mutations":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"status":"rejected"', 1, true) then
    rejected = rejected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("rejected") end
  io.write(string.format("qd: requests %d rejected_or_failed %d duration_us %d p50_us %d p99_us %d\n",
                         summary.requests, bad, summary.duration,
                         latency:percentile(50), latency:percentile(99)))
end
