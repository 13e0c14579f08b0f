// docs/openapi.json validates against the OpenAPI 3.1 schema (tests/staff_openapi.rs checks
// that it lists exactly the routes the server has).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';

const doc = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

test('the OpenAPI document validates', async () => {
  const api = await SwaggerParser.validate(doc);
  assert.equal(api.openapi, '3.1.0');
  assert.ok(api.paths['/api/v1/walk-ins'].post.responses['201']);
});
