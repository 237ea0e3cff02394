-- A journaled create per request: POST a person (distinct name each time) to a unit, so each
-- request inserts the record, its audit entry with the record as shown, and its feed event in
-- one transaction.
-- Usage: AUTH="Bearer …" UNIT=<unit id> wrk -s bench/create_person.lua <base>/people
local counter = 0
local auth = os.getenv("AUTH")
local unit = os.getenv("UNIT")
request = function()
  counter = counter + 1
  local body = string.format('{"full_name": "Nguyễn Văn Đo %d", "position": "Cán bộ", "unit_id": "%s", "birth_year": 1980}', counter, unit)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = auth }, body)
end
