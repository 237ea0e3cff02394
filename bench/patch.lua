-- A journaled update per request: PATCH a commune's name (distinct each time), so each request
-- writes the change, its audit entry with before/after, and its feed event in one transaction.
-- Usage: AUTH="Bearer …" wrk -s bench/patch.lua <base>/communes/<id>
local counter = 0
local auth = os.getenv("AUTH")
request = function()
  counter = counter + 1
  local body = string.format('{"name": "Xã Đo Hiệu Năng %d"}', counter)
  return wrk.format("PATCH", nil, { ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
end
