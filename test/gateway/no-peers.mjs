// Loaded with --import by the config test: makes `redis` and `prom-client` unresolvable, as on
// an install without the optional peer dependencies.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'redis' || specifier === 'prom-client') {
    const e = new Error('Cannot find package ' + specifier);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
