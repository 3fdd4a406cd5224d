/**
 * Writes the order schema (src/domain/order/order-schema.ts) into template.yaml as the API request
 * model, between the BEGIN/END generated markers. The template tests fail when the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { orderSchema } from '../src/domain/order/order-schema';

export const MODEL_BLOCK =
  /( *)# BEGIN generated from src\/domain\/order\/order-schema\.ts[^\n]*\n[\s\S]*?\n *# END generated/;

export const renderModelBlock = (template: string): string =>
  template.replace(MODEL_BLOCK, (block, indent: string) => {
    const header = block.split('\n')[0];
    const body = JSON.stringify(orderSchema, null, 2).replace(/\n/g, `\n${indent}  `);
    return `${header}\n${indent}Order: ${body}\n${indent}# END generated`;
  });

if (require.main === module) {
  const path = 'template.yaml';
  const template = readFileSync(path, 'utf8');
  if (!MODEL_BLOCK.test(template)) throw new Error(`${path} has no generated Order model block`);
  writeFileSync(path, renderModelBlock(template));
  console.log(`Wrote the Order model into ${path}`);
}
