// One measured LoopBack operation (juggler + official connector), printed as JSON like worker.py.
//   node loopback_worker.js postgresql|mysql URL MODELS_DIR automigrate|isactual|autoupdate|setup
'use strict';
const fs = require('fs');
const path = require('path');
const {DataSource} = require('loopback-datasource-juggler');

async function main() {
  const [connectorName, url, modelsDir, op] = process.argv.slice(2);
  const ds = new DataSource({connector: require(`loopback-connector-${connectorName}`), url});
  if (!ds.connected) await new Promise((resolve, reject) => { ds.once('connected', resolve); ds.once('error', reject); });
  // The operation starts at the model JSON on disk, with the connection open, as worker.py's does: reading and
  // defining the models is work django-lbsync's operation does too (loading and resolving the JSON).
  const start = process.hrtime.bigint();
  for (const file of fs.readdirSync(modelsDir).sort()) {
    const def = JSON.parse(fs.readFileSync(path.join(modelsDir, file), 'utf8'));
    const {name, properties, options, ...settings} = def;
    ds.createModel(name, properties, Object.assign({}, settings, options || {}));
  }
  const define = Number(process.hrtime.bigint() - start) / 1e9;
  let statements = 0;
  const execute = ds.connector.execute;
  ds.connector.execute = function() { statements++; return execute.apply(this, arguments); };
  let result = null;
  const call = (method) => new Promise((resolve, reject) =>
    ds[method]((err, value) => (err ? reject(err) : resolve(value))));
  if (op === 'automigrate' || op === 'setup') await call('automigrate');
  else if (op === 'isactual') result = await call('isActual');
  else if (op === 'autoupdate') await call('autoupdate');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({seconds, define, statements, result, maxrss_mb: process.resourceUsage().maxRSS / 1024}));
  await ds.disconnect();
}

main().catch((err) => { console.error(err && err.stack || err); process.exit(1); });
