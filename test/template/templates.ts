import { relative } from 'node:path';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { loadTemplate, type Template } from '../../local/template/parse-template';
import { loadStacks, projectTemplatePaths } from '../../scripts/lib/project-templates';

export interface ProjectTemplate {
  /** The path from the project root, e.g. `pipelines/storage/template.yaml`. */
  name: string;
  path: string;
  template: Template;
}

/**
 * The project's templates: the root, every `pipelines/<name>/template.yaml`, and any other template the
 * root reaches through a nested application's local Location.
 */
export const projectTemplates = (): ProjectTemplate[] => {
  const paths = new Set([
    ...projectTemplatePaths(PROJECT_ROOT),
    ...loadStacks(ROOT_TEMPLATE).map((stack) => stack.templatePath),
  ]);
  return [...paths].map((path) => ({
    name: relative(PROJECT_ROOT, path),
    path,
    template: loadTemplate(path),
  }));
};
