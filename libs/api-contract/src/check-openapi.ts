// Checks an OpenAPI document (a file, or `-` for standard input) against the API contract.
// Exit codes: 0 the document matches, 1 it differs (each mismatch is printed), 2 it could not be read.
// Runs on Node 24 without a build step, so it keeps to erasable TypeScript and `.ts` imports.
import { readFileSync } from 'node:fs';
import { contractSchemas } from './index.ts';
import { compareWithOpenApi } from './openapi-check.ts';

const USAGE = 'usage: node libs/api-contract/src/check-openapi.ts <openapi.json | ->';

function readDocument(source: string): unknown {
  const label = source === '-' ? 'standard input' : source;
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${label}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`${label} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${label} is not an OpenAPI document: expected a JSON object`);
  }
  return doc;
}

function main(args: readonly string[]): number {
  const [source, ...extra] = args;
  if (source === undefined || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  let doc: unknown;
  try {
    doc = readDocument(source);
  } catch (error) {
    console.error(`api-contract: ${(error as Error).message}`);
    return 2;
  }
  const mismatches = compareWithOpenApi(doc);
  if (mismatches.length > 0) {
    for (const mismatch of mismatches) console.error(`api-contract: ${mismatch.message}`);
    console.error(`api-contract: ${mismatches.length} mismatch(es) between the contract and the OpenAPI document`);
    return 1;
  }
  console.log(`api-contract: ${Object.keys(contractSchemas).length} schemas match the OpenAPI document`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
