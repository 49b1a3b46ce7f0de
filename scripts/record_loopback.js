// Boot one LoopBack 3 app's models the way loopback-boot + loopback's registry do, attach the ones on an SQL
// datasource to a juggler DataSource with the real connector, run automigrate() against a live scratch database,
// and print every statement the connector sent, as JSON lines on stdout.
//
//   node record_loopback.js APP_DIR postgresql|mysql URL LOOPBACK_BUILTINS_DIR
//
// Run by scripts/record_loopback.py (which installs the packages and writes tests/expected/loopback/); never by
// the tests. What it imitates (read from loopback-boot 3.3.1 lib/plugins/model.js and loopback 3.28.0
// lib/registry.js, lib/model.js, lib/persisted-model.js):
//   - model-config.json `_meta.sources` (default ["./models"]) relative to server/; JSON files not starting with
//     "_"; a file without `name` is named upperFirst(camelCase(file name));
//   - the built-ins come from loopback's own common/models/*.json;
//   - registry.createModel: every top-level key but name/properties/options becomes a setting (`options` wins),
//     base defaults to PersistedModel; `Model` is `modelBuilder.define('Model')` and PersistedModel its child;
//   - models are defined base first, then attached in model-config.json order (app.model -> attachTo);
//     model-config `relations`/`options` are merged into the settings as configureModel does.
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

// loopback-connector-postgresql 8 requires chalk 5, which is ESM-only: under Node >= 20.19 its require('chalk')
// returns the module namespace, so the connector's warning for a generated id it cannot generate (a BIGINT
// id) throws "chalk.red is not a function" and automigrate dies. Give it a plain-text chalk, so the run goes
// on as the connector means it to (a warning, and the column without a sequence).
const plain = (text) => String(text);
const chalkPath = require.resolve('chalk');
Module._cache[chalkPath] = Object.assign(new Module(chalkPath), {filename: chalkPath, loaded: true,
  exports: {red: plain, yellow: plain, green: plain, blue: plain, cyan: plain, bold: plain}});

const {DataSource} = require('loopback-datasource-juggler');

const SQL_CONNECTORS = new Set(['postgresql', 'mysql', 'oracle', 'mssql', 'sqlite3']);
const BUILTIN_ORDER = ['KeyValueModel', 'Email', 'Application', 'AccessToken', 'User', 'RoleMapping', 'Role', 'ACL',
  'Scope', 'Change', 'Checkpoint'];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function upperFirstCamel(basename) {
  const camel = basename.replace(/[-_\s.]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ''));
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

function findDefinitions(serverDir, sources) {
  const registry = {};
  for (const source of sources) {
    if (source.startsWith('loopback/')) continue; // the built-ins, defined by loopback itself
    const dir = path.resolve(serverDir, source);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (file[0] === '_' || path.extname(file) !== '.json') continue;
      const definition = readJson(path.join(dir, file));
      definition.name = definition.name || upperFirstCamel(path.basename(file, '.json'));
      registry[definition.name] = definition;
    }
  }
  return registry;
}

function optionsFromConfig(config) {
  const options = Object.assign({}, config.options);
  for (const key of Object.keys(config)) {
    if (['name', 'properties', 'options'].includes(key) || options[key] !== undefined) continue;
    options[key] = config[key];
  }
  return options;
}

function main() {
  const [appDir, connectorName, url, builtinsDir] = process.argv.slice(2);
  const serverDir = path.join(appDir, 'server');
  const modelConfig = readJson(path.join(serverDir, 'model-config.json'));
  const datasources = readJson(path.join(serverDir, 'datasources.json'));
  const meta = modelConfig._meta || {};
  delete modelConfig._meta;

  const sqlDatasources = Object.keys(datasources).filter((name) => SQL_CONNECTORS.has(
    String(datasources[name].connector || '').replace(/^loopback-connector-/, '')));
  const dsSettings = {connector: require(`loopback-connector-${connectorName}`), url};
  for (const name of sqlDatasources) {
    for (const key of ['schema', 'schemaName']) {
      if (datasources[name][key] !== undefined) dsSettings[key] = datasources[name][key];
    }
  }
  const ds = new DataSource(dsSettings);
  const builder = ds.modelBuilder;
  const models = {};
  models.Model = builder.define('Model');
  models.PersistedModel = models.Model.extend('PersistedModel');

  const create = (config) => {
    const options = optionsFromConfig(config);
    const baseName = options.base || options.super || 'PersistedModel';
    const base = typeof baseName === 'string' ? models[baseName] : baseName;
    if (!base) throw new Error(`model ${config.name} extends an unknown model ${baseName}`);
    models[config.name] = base.extend(config.name, config.properties, options);
  };
  const builtins = {};
  for (const file of fs.readdirSync(builtinsDir)) {
    if (path.extname(file) !== '.json') continue;
    const definition = readJson(path.join(builtinsDir, file));
    builtins[definition.name] = definition;
  }
  for (const name of BUILTIN_ORDER) if (builtins[name]) create(builtins[name]);

  const registry = findDefinitions(serverDir, meta.sources || ['./models']);
  // base first (loopback-boot's sortByInheritance), otherwise in model-config then file order
  const pending = Object.keys(registry);
  const defineWithBases = (name, seen = new Set()) => {
    if (models[name] && !registry[name]) return;
    if (seen.has(name) || !registry[name] || models[name]) return;
    seen.add(name);
    const base = registry[name].base || (registry[name].options || {}).base;
    if (base && registry[base]) defineWithBases(base, seen);
    create(registry[name]);
  };
  for (const name of Object.keys(modelConfig)) defineWithBases(name);
  for (const name of pending) defineWithBases(name);

  const attached = [];
  for (const [name, config] of Object.entries(modelConfig)) {
    if (!config || !sqlDatasources.includes(config.dataSource)) continue;
    const Model = models[name];
    if (!Model) throw new Error(`model-config names ${name}, which no definition defines`);
    if (config.relations) {
      const relations = Model.settings.relations = Model.settings.relations || {};
      for (const key of Object.keys(config.relations)) relations[key] = Object.assign(relations[key] || {}, config.relations[key]);
    }
    if (config.options) Object.assign(Model.settings, config.options);
    ds.attach(Model);
    attached.push(name);
  }

  const statements = [];
  const executeSQL = ds.connector.executeSQL;
  ds.connector.executeSQL = function(sql, params, options, callback) {
    const entry = {sql, params: params && params.length ? params : undefined};
    statements.push(entry);
    return executeSQL.call(this, sql, params, options, function(err) {
      if (err) entry.error = `${err.code || ''} ${err.message}`.trim();
      return callback.apply(this, arguments);
    });
  };
  const done = (err) => {
    const migrated = Object.keys(ds.connector._models);
    process.stdout.write(JSON.stringify({attached, migrated, error: err ? String(err.message || err) : null,
      statements}) + '\n');
    ds.disconnect(() => process.exit(0));
  };
  const run = () => ds.automigrate((err) => done(err));
  if (ds.connected) run();
  else {
    ds.once('connected', run);
    ds.once('error', (err) => done(err));
  }
}

main();
