#!/usr/bin/env node
'use strict';
// The `qf` CLI: runs its TypeScript sources directly through tools/register.js.
require('../tools/register');
require('../apps/qf/src/main.ts');
