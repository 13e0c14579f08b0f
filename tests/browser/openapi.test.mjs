// docs/openapi.json (the kiosk's staff API) and docs/central-openapi.json (the central service)
// validate against the OpenAPI schema; tests/staff_openapi.rs and tests/central_cli.rs check
// that they list exactly the routes the servers have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';

const doc = (name) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

test('the staff API document validates', async () => {
  const api = await SwaggerParser.validate(doc('openapi.json'));
  assert.equal(api.openapi, '3.1.0');
  assert.ok(api.paths['/api/v1/walk-ins'].post.responses['201']);
});

test('the central service document validates', async () => {
  const api = await SwaggerParser.validate(doc('central-openapi.json'));
  assert.ok(api.paths['/api/v1/footfall'].put);
  assert.ok(api.paths['/api/v1/footfall/daily'].get);
});
