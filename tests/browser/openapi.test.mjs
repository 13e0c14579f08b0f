// docs/openapi.json (the kiosk's staff API) and docs/central-openapi.json (the central service)
// validate against the OpenAPI schema; tests/staff_openapi.rs and tests/central_cli.rs check
// that they list exactly the routes the servers have, and .ci/contract runs schemathesis
// against live servers. Here: every error answer of the APIs is a problem details object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';

const doc = (name) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

// Every 4xx/5xx response of the API, /metrics and /healthz (the pages answer with pages).
function errorResponses(api) {
  const out = [];
  for (const [path, item] of Object.entries(api.paths)) {
    if (!path.startsWith('/api/') && path !== '/metrics' && path !== '/healthz') continue;
    for (const [method, op] of Object.entries(item)) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (Number(status) >= 400) out.push([`${method.toUpperCase()} ${path} ${status}`, res]);
      }
    }
  }
  return out;
}

function assertProblems(api) {
  const errors = errorResponses(api);
  assert.ok(errors.length > 10);
  for (const [what, res] of errors) {
    assert.deepEqual(Object.keys(res.content ?? {}), ['application/problem+json'], what);
    const schema = res.content['application/problem+json'].schema;
    for (const m of ['type', 'title', 'status', 'detail', 'error']) {
      assert.ok(schema.required.includes(m), `${what}: ${m}`);
    }
  }
}

test('the staff API document validates and describes problem details', async () => {
  const api = await SwaggerParser.validate(doc('openapi.json'));
  assert.equal(api.openapi, '3.1.0');
  assert.ok(api.paths['/api/v1/walk-ins'].post.responses['201']);
  assertProblems(api);
  for (const path of ['/api/v1/duty', '/api/v1/tickets/{id}/transfer', '/api/v1/walk-ins']) {
    assert.ok(api.paths[path].post.responses['415'], `415 on ${path}`);
  }
  const keyed = api.paths['/api/v1/walk-ins'].post.parameters.find((p) => p.name === 'Idempotency-Key');
  assert.equal(keyed.schema.pattern, '^[A-Za-z0-9._:-]{1,64}$');
});

test('the central service document validates and describes problem details', async () => {
  const api = await SwaggerParser.validate(doc('central-openapi.json'));
  assert.equal(api.openapi, '3.1.0');
  assert.ok(api.paths['/api/v1/footfall'].put.responses['415']);
  assert.ok(api.paths['/api/v1/footfall/daily'].get);
  assertProblems(api);
  const counts = api.components.schemas.Counts.properties;
  assert.ok(counts.needs.propertyNames.pattern && counts.waits.propertyNames.pattern);
});
