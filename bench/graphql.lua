-- wrk script: POSTs one GraphQL operation with variables drawn at random for every request, so that no
-- response can be reused. Configured by the environment (bench/run.py sets it):
--   BENCH_QUERY_JSON  the query, JSON-encoded
--   BENCH_VARS        "none", "hunt" (a random hunt id), "nested" (random page sizes) or "players" (a random
--                     page size)
--   BENCH_HUNT_IDS    comma-separated hunt ids, for "hunt"

local query = os.getenv("BENCH_QUERY_JSON")
local kind = os.getenv("BENCH_VARS") or "none"
local ids = {}
for id in string.gmatch(os.getenv("BENCH_HUNT_IDS") or "", "[^,]+") do
  table.insert(ids, id)
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local variables = "{}"
  if kind == "hunt" then
    variables = string.format('{"id":"%s"}', ids[math.random(#ids)])
  elseif kind == "players" then
    variables = string.format('{"first":%d}', math.random(45, 50))
  elseif kind == "nested" then
    variables = string.format('{"players":%d,"top":%d}', math.random(5, 10), math.random(3, 10))
  end
  local body = string.format('{"query":%s,"variables":%s}', query, variables)
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, body)
end
