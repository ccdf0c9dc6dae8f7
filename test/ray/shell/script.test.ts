import assert from 'node:assert/strict';
import { analyzeShell } from '../../../src/ray/shell/script.ts';
import { parseShell } from '../../../src/ray/shell/lexer.ts';

const env = (facts: ReturnType<typeof analyzeShell>, i = 0) =>
  Object.fromEntries(
    facts.starts[i]!.env.map((e) => [e.name, `${e.value}${e.source === 'literal' ? '' : ` (${e.source})`}`]),
  );
const flags = (facts: ReturnType<typeof analyzeShell>, i = 0) =>
  Object.fromEntries([...facts.starts[i]!.start.flags].map(([k, f]) => [k, f.value]));

describe('analyzeShell', () => {
  describe('when reading ray start', () => {
    it('reads --flag=value, --flag value and switches, across continuation lines, with lines per flag', () => {
      const facts = analyzeShell(
        'ray start --head \\\n  --port 6379 --dashboard-host=0.0.0.0 \\\n  --block --num-cpus 4\n',
        1,
        { file: 's.sh' },
      );
      assert.deepEqual(flags(facts), {
        head: true,
        port: '6379',
        'dashboard-host': '0.0.0.0',
        block: true,
        'num-cpus': '4',
      });
      assert.equal(facts.starts[0]!.start.flags.get('dashboard-host')!.at.line, 2);
      assert.equal(facts.starts[0]!.start.head, true);
    });

    it('finds ray start behind wrappers, full paths and sh -c', () => {
      const facts = analyzeShell(
        'exec /home/ray/anaconda3/bin/ray start --address=h:6379\nsudo -E nohup ray start --head\nbash -lc "ulimit -n 65536; ray start --head --dashboard-host 0.0.0.0"\n',
        1,
        { file: 's.sh' },
      );
      assert.deepEqual(
        facts.starts.map((s) => [s.start.head, s.start.at.line]),
        [
          [false, 1],
          [true, 2],
          [true, 3],
        ],
      );
      assert.equal(flags(facts, 2)['dashboard-host'], '0.0.0.0');
    });

    it('substitutes variables the script set, and marks the rest as run-time expansions', () => {
      const facts = analyzeShell(
        'HOST=0.0.0.0\nray start --head --dashboard-host=$HOST --node-ip-address=${POD_IP}\n',
        1,
        { file: 's.sh' },
      );
      const start = facts.starts[0]!.start;
      assert.equal(start.flags.get('dashboard-host')!.value, '0.0.0.0');
      assert.equal(start.flags.get('dashboard-host')!.dynamic, false);
      assert.equal(start.flags.get('node-ip-address')!.dynamic, true);
    });
  });

  describe('when tracking the environment', () => {
    it('passes exported and inline variables, not plain shell variables', () => {
      const facts = analyzeShell('A=1\nexport B=2\nC=3 ray start --head\nray start --address=x\n', 1, {
        file: 's.sh',
      });
      assert.deepEqual(env(facts, 0), { B: '2', C: '3' });
      assert.deepEqual(env(facts, 1), { B: '2' });
    });

    it('exports a variable set earlier with export NAME, and everything after set -a', () => {
      const facts = analyzeShell('A=1\nexport A\nset -a\nB=2\nray start --head\n', 1, { file: 's.sh' });
      assert.deepEqual(env(facts), { A: '1', B: '2' });
    });

    it('reads env NAME=value command, and unset', () => {
      const facts = analyzeShell('export X=1\nunset X\nenv -i RAY_AUTH_MODE=token ray start --head\n', 1, {
        file: 's.sh',
      });
      assert.deepEqual(env(facts), { RAY_AUTH_MODE: 'token' });
    });

    it('keeps a command substitution as an expansion', () => {
      const facts = analyzeShell('export RAY_AUTH_TOKEN="$(cat /run/secrets/t)"\nray start --head\n', 1, {
        file: 's.sh',
      });
      assert.deepEqual(env(facts), { RAY_AUTH_TOKEN: '$(cat /run/secrets/t) (expansion)' });
    });

    it('reads exports written into ~/.bashrc and /etc/environment', () => {
      const facts = analyzeShell(
        `echo 'export RAY_AUTH_MODE=token' >> ~/.bashrc\necho "RAY_USAGE_STATS_ENABLED=0" | sudo tee -a /etc/environment\nprintf 'RAY_X=1\\n' >> /etc/environment\n`,
        1,
        { file: 's.sh' },
      );
      assert.deepEqual(
        facts.profileExports.map((e) => `${e.name}=${e.value}@${e.at.line}`),
        ['RAY_AUTH_MODE=token@1', 'RAY_X=1@3'],
      );
    });

    it('gives a container command the container environment (docker run -e), not the caller one', () => {
      const facts = analyzeShell(
        'export RAY_AUTH_MODE=token\ndocker run -e RAY_USAGE_STATS_ENABLED=0 -p 127.0.0.1:8265:8265 rayproject/ray:2.56.0 ray start --head\n',
        1,
        {
          file: 's.sh',
        },
      );
      assert.deepEqual(env(facts), { RAY_USAGE_STATS_ENABLED: '0' });
      assert.deepEqual(
        facts.starts[0]!.run!.ports.map((p) => [p.hostIp, p.containerPort]),
        [['127.0.0.1', 8265]],
      );
      assert.equal(facts.starts[0]!.run!.image, 'rayproject/ray:2.56.0');
    });
  });

  describe('when reading other commands', () => {
    it('finds Ray pins in pip and uv installs, job submissions and serve hosts, and token files', () => {
      const facts = analyzeShell(
        [
          'pip install -U "ray[default]==2.9.0" requests',
          'uv pip install --system ray==2.56.0',
          'ray job submit --runtime-env-json \'{"pip": ["torch"]}\' --working-dir https://x/y.zip -- python a.py',
          'serve start --http-host=0.0.0.0',
          'serve run --host 10.0.0.5 app:deployment',
          'ray get-auth-token --generate > ~/.ray/auth_token',
        ].join('\n'),
        1,
        { file: 's.sh' },
      );
      assert.deepEqual(
        facts.rayRequirements.map((r) => r.text),
        ['ray[default]==2.9.0', 'ray==2.56.0'],
      );
      assert.equal(facts.jobSubmits[0]!.runtimeEnvJson!.text, '{"pip": ["torch"]}');
      assert.equal(facts.jobSubmits[0]!.workingDir!.value, 'https://x/y.zip');
      assert.deepEqual(
        facts.serveHosts.map((h) => h.host),
        ['0.0.0.0', '10.0.0.5'],
      );
      assert.deepEqual(
        facts.tokenFileWrites.map((t) => t.at.line),
        [6],
      );
    });

    it('skips here-document bodies and comments', () => {
      const facts = analyzeShell(
        'cat <<EOF > /tmp/x\nray start --head\nEOF\n# ray start --head\necho done\n',
        1,
        { file: 's.sh' },
      );
      assert.deepEqual(facts.starts, []);
      assert.deepEqual(
        parseShell('cat <<EOF\nbody\nEOF\necho x\n').map((c) => c.words[0]!.text),
        ['cat', 'echo'],
      );
    });
  });
});
