// Imported first by the render helper: chalk picks its colour level when it loads, and the
// test runner's pipes are not terminals. The view tests check colour codes (and their absence
// under the no-colour theme), so they need chalk to emit them.
process.env['FORCE_COLOR'] = '1';
