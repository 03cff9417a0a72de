// tests/api/lib/schema.js — check a JSON value against a schema of the OpenAPI
// document (src/api/openapi.json): the subset of OpenAPI 3.0 schemas the document uses
// ($ref, type, nullable, required, properties, additionalProperties, items, enum).
// So the tests prove that what the server sends is what the document describes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DOC_FILE = path.resolve(HERE, '..', '..', '..', 'src', 'api', 'openapi.json');

export function loadDoc() {
  return JSON.parse(fs.readFileSync(DOC_FILE, 'utf8'));
}

export function resolveRef(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return node;
}

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

// validate(doc, schema, value, where) → array of problems ("" when none).
export function validate(doc, schema, value, where = '$') {
  const errs = [];
  if (schema.$ref) return validate(doc, resolveRef(doc, schema.$ref), value, where);
  if (value === null) {
    if (schema.nullable || schema.type === undefined) return errs;
    errs.push(`${where}: null but not nullable`);
    return errs;
  }
  const t = typeOf(value);
  if (schema.type) {
    const ok = schema.type === t || (schema.type === 'number' && t === 'integer');
    if (!ok) {
      errs.push(`${where}: expected ${schema.type}, got ${t}`);
      return errs;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) {
    errs.push(`${where}: ${JSON.stringify(value)} not one of ${JSON.stringify(schema.enum)}`);
  }
  if (t === 'object') {
    for (const k of schema.required || []) {
      if (!(k in value)) errs.push(`${where}: missing required property "${k}"`);
    }
    const props = schema.properties || {};
    for (const [k, v] of Object.entries(value)) {
      if (props[k]) errs.push(...validate(doc, props[k], v, `${where}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${where}: unexpected property "${k}"`);
      else if (typeof schema.additionalProperties === 'object') {
        errs.push(...validate(doc, schema.additionalProperties, v, `${where}.${k}`));
      }
    }
  }
  if (t === 'array' && schema.items) {
    value.forEach((v, i) => errs.push(...validate(doc, schema.items, v, `${where}[${i}]`)));
  }
  return errs;
}

// responseSchema(doc, method, path, status) → the JSON schema the document gives for
// that answer (following a $ref to components/responses), or undefined.
export function responseSchema(doc, method, p, status) {
  const op = doc.paths[p] && doc.paths[p][method.toLowerCase()];
  if (!op) return undefined;
  let resp = op.responses[String(status)];
  if (!resp) return undefined;
  if (resp.$ref) resp = resolveRef(doc, resp.$ref);
  const media = resp.content && resp.content['application/json'];
  return media && media.schema;
}
