// A CommonJS consumer: require('hostsig') from the built dist through the package's own
// "exports" (a self-reference), which Node >= 20.19 serves through require(esm). Prints the
// documented HostDime vector's hash and the subpath's verdict as one JSON line.
'use strict';
const hostsig = require('hostsig');
const { signHostDime } = require('hostsig/hostdime');
const { sixConnectHash } = require('hostsig/sixconnect');

const req = signHostDime({
  publicKey: 'pub',
  privateKey: 'fazbaz',
  method: 'domain.list',
  params: [['status', 'registered'], ['order', 'desc']],
  timestamp: 1369758680,
  unique: 'ABCDEF',
});
const six = sixConnectHash(
  'target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB',
  '48b278ec873bda4738923dbc467f8669',
);
process.stdout.write(
  JSON.stringify({
    hash: req.hash,
    sameFunction: hostsig.signHostDime === signHostDime,
    six,
    esModule: hostsig.__esModule === true || typeof hostsig === 'object',
  }) + '\n',
);
