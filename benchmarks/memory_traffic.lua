-- Mixed shopper traffic for wrk, drawn at random (benchmarks/memory.py puts `shops` in front):
-- product pages (some of products that do not exist), searches for random words, category pages
-- and county homes, a few of counties that do not exist; a third with ?ref= (a real code or junk),
-- a third with a junk parameter, some in English or accepting compressed answers.
-- Prints how many answers of each status it got ("status 200: 1234").

local LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
local threads = {}

local function pick(list)
  return list[math.random(#list)]
end

local function junk(length)
  local chars = {}
  for i = 1, length do
    local at = math.random(#LETTERS)
    chars[i] = LETTERS:sub(at, at)
  end
  return table.concat(chars)
end

-- A random character of the CJK block, in UTF-8.
local function chinese()
  local code = math.random(0x4E00, 0x9FA5)
  return string.char(
    0xE0 + math.floor(code / 4096), 0x80 + math.floor(code / 64) % 64, 0x80 + code % 64
  )
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(char)
    return string.format("%%%02X", char:byte())
  end))
end

local function search_word(shop)
  local draw = math.random()
  if draw < 0.4 then
    return pick(shop.words)
  elseif draw < 0.7 then
    local chars = {}
    for i = 1, math.random(1, 8) do
      chars[i] = chinese()
    end
    return table.concat(chars)
  end
  return junk(math.random(1, 8))
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time())
  counts = {}
end

function request()
  local shop = pick(shops)
  local path = "/c/" .. (math.random() < 0.03 and junk(math.random(3, 12)) or shop.slug)
  local query = {}
  local draw = math.random()
  if draw < 0.4 then
    local product = math.random() < 0.85 and pick(shop.products) or junk(math.random(3, 20))
    path = path .. "/products/" .. encode(product)
  elseif draw < 0.7 then
    path = path .. "/search"
    query[#query + 1] = "q=" .. encode(search_word(shop))
  elseif draw < 0.85 then
    path = path .. "/category/" .. encode(pick(shop.categories))
    if math.random() < 0.3 then
      query[#query + 1] = "page=" .. math.random(1, 3)
    end
  else
    path = path .. "/"
  end
  if math.random() < 0.33 then
    local code = (#shop.codes > 0 and math.random() < 0.5) and pick(shop.codes) or junk(math.random(2, 12))
    query[#query + 1] = "ref=" .. code
  end
  if math.random() < 0.33 then
    query[#query + 1] = junk(math.random(1, 6)) .. "=" .. junk(math.random(1, 12))
  end
  if math.random() < 0.1 then
    query[#query + 1] = "lang=en"
  end
  if #query > 0 then
    path = path .. "?" .. table.concat(query, "&")
  end
  local headers = {}
  if math.random() < 0.3 then
    headers["Accept-Encoding"] = "gzip, deflate, br"
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      io.write(string.format("status %d: %d\n", status, count))
    end
  end
end
