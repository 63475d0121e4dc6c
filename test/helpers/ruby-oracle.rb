# Ruby's own JSON generator, as hdcore-rb calls it (`params.to_json.to_json`), over a batch of
# tagged values read as JSON lines from stdin: {"t":"s"|"i"|"f"|"b"|"n"|"l"|"m", "v": ...}.
# Prints one JSON line per case: {"once": params.to_json, "twice": params.to_json.to_json}.
require 'json'

def build(x)
  case x['t']
  when 's' then x['v']
  when 'i' then Integer(x['v'])
  when 'f' then Float(x['v'])
  when 'b' then x['v']
  when 'n' then nil
  when 'l' then x['v'].map { |e| build(e) }
  when 'm' then x['v'].each_with_object({}) { |(k, e), h| h[k] = build(e) }
  end
end

$stdin.each_line do |line|
  params = build(JSON.parse(line))
  once = params.to_json
  $stdout.puts({ 'once' => once, 'twice' => once.to_json }.to_json)
end
