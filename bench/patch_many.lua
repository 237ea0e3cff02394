-- Journaled updates spread over several records: PATCH the name of one of IDS (comma-separated
-- commune ids) per request, round robin, so concurrent writers seldom wait for the same row.
-- Usage: AUTH="Bearer …" IDS=<id>,<id>,… wrk -s bench/patch_many.lua <base>/communes/
local counter = 0
local auth = os.getenv("AUTH")
local ids = {}
for id in string.gmatch(os.getenv("IDS"), "[^,]+") do ids[#ids + 1] = id end
local offset = math.random(#ids)
request = function()
  counter = counter + 1
  local id = ids[(counter + offset) % #ids + 1]
  local body = string.format('{"name": "Xã Đo Hiệu Năng %d"}', counter)
  return wrk.format("PATCH", wrk.path .. id, { ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
end
