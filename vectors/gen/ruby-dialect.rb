# ruby-dialect oracle for the HostDime vectors: what the official Ruby gem (hdcore-rb) hashes.
# Its Hdcore::Request.generate_api_params calls
#   generate_hash(timestamp, uuid, private_key, action, params.to_json.to_json)
# and generate_hash is (Digest::SHA2.new << args.join(':')).to_s; both are copied below.
# Independent of hostsig: Ruby's stdlib json (the generator the gem's to_json is) and digest only.
#
# stdin:  JSON array of { timestamp, unique, privateKey, method, params }
#         params use the vectors' encoding: an array of [key, value] pairs; a value is a
#         string, number, boolean, null, an array (list) or {"$map": [[k, v], ...]}.
#         A JSON integer is a Ruby Integer, any other number a Float (PHP writes 1e-5 as 1.0e-5).
# stdout: JSON array of { paramsJson, doubleJson, canonical, hash }
#
# Params become a Ruby Hash built in pair order, as a caller of the gem builds it: a Hash keeps
# insertion order, integer-like keys included (a JavaScript object would move them first).
require 'json'
require 'digest'

def to_ruby(v)
  case v
  when Array then v.map { |x| to_ruby(x) }
  when Hash
    raise 'bad value object' unless v.keys == ['$map'] && v['$map'].is_a?(Array)
    pairs_to_hash(v['$map'])
  else v
  end
end

def pairs_to_hash(pairs)
  pairs.each_with_object({}) do |(k, v), h|
    raise 'key must be a string' unless k.is_a?(String)
    h[k] = to_ruby(v)
  end
end

# hdcore-rb's generate_hash, verbatim.
def generate_hash(*args)
  (Digest::SHA2.new << args.join(':')).to_s
end

cases = JSON.parse($stdin.read)
out = cases.map do |c|
  params = pairs_to_hash(c['params'])
  params_json = params.to_json
  double_json = params_json.to_json
  {
    'paramsJson' => params_json,
    'doubleJson' => double_json,
    'canonical' => [c['timestamp'], c['unique'], c['privateKey'], c['method'], double_json].join(':'),
    'hash' => generate_hash(c['timestamp'], c['unique'], c['privateKey'], c['method'], double_json),
  }
end
$stdout.write(JSON.generate(out))
