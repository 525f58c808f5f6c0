-- wrk script: POST distinct Telegram updates (unique update_id per request and thread)
-- from 50 chats, as fast as the server answers. The first argument after `--` offsets
-- the update ids, so that runs against one database never repeat an id.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  base = tonumber(args[1] or "0") + (tid + 1) * 100000000
end

function request()
  counter = counter + 1
  local chat = 1001 + (counter + tid) % 50
  local body = string.format(
    '{"update_id": %d, "message": {"message_id": %d, "date": 1790000000, ' ..
    '"chat": {"id": %d, "type": "private"}, "from": {"id": %d, "is_bot": false, ' ..
    '"first_name": "Load"}, "text": "load test message"}}', base + counter, counter, chat, chat)
  return wrk.format("POST", "/telegram/webhook/", {
    ["Content-Type"] = "application/json",
    ["X-Telegram-Bot-Api-Secret-Token"] = "bench-secret",
  }, body)
end
