-- wrk script: POST distinct Telegram updates (unique update_id per request and thread).
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  base = (tid + 1) * 100000000
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"update_id": %d, "message": {"message_id": %d, "date": 1790000000, ' ..
    '"chat": {"id": 1001, "type": "private"}, "from": {"id": 1001, "is_bot": false, ' ..
    '"first_name": "Load"}, "text": "load test message"}}', base + counter, counter)
  return wrk.format("POST", "/telegram/webhook/", {
    ["Content-Type"] = "application/json",
    ["X-Telegram-Bot-Api-Secret-Token"] = "bench-secret",
  }, body)
end
