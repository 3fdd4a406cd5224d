import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..');
export const VENV_BIN = resolve(PROJECT_ROOT, '.venv/bin');
export const ROOT_TEMPLATE = resolve(PROJECT_ROOT, 'template.yaml');
export const SAM_BUILD_DIR = resolve(PROJECT_ROOT, '.aws-sam/build');
