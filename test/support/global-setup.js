// Tests that spawn real processes (CLI, worker processes) run the compiled code: build it once per run.
const { execFileSync } = require('node:child_process');
module.exports = async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: __dirname + '/../..', stdio: 'inherit' });
};
