/**
 * `node:http` for the function bundles: every bundle aliases `node:http` and `http` to this file (`Alias`
 * in the functions' BuildProperties). Node 22's ES module facade of a built-in reads all its exports, and
 * `node:http`'s include lazy getters that load Node's bundled undici (nodejs/node#57649): about 35 ms of
 * every cold start, for a fetch client no function uses. This module hands every importer, ES or
 * CommonJS, the module object itself, without that facade; named imports read its members live, so they
 * see what X-Ray's tracer patches.
 *
 * CommonJS, so that `require('http')` gets the module object itself. Not `require('node:http')`, which
 * the alias would turn into this very file.
 */
'use strict';

module.exports =
  typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:http')
    : require('node:module').createRequire(`${process.cwd()}/`)('node:http');
