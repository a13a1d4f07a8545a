import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/program.js';
import { buildConfig } from '../../src/config/config.js';
import { REPO_ROOT, findTool, runCommand } from './run-command.js';

const K8S_DIR = path.join(REPO_ROOT, 'deploy', 'k8s');

/** A rendered manifest: only the fields the assertions read are typed. */
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  failureThreshold?: number;
  periodSeconds?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: { name: string; emptyDir?: unknown; persistentVolumeClaim?: { claimName: string } }[];
}
interface JobObject extends K8sObject {
  spec: {
    backoffLimit?: number;
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}
interface DeploymentObject extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

function kustomize(dir: string): K8sObject[] {
  const kubectl = findTool('kubectl');
  if (kubectl === undefined) {
    throw new Error(
      'kubectl is not installed: it ships with this machine image (Debian has no package); install it from the Kubernetes project packages to render deploy/k8s',
    );
  }
  const result = runCommand(kubectl, ['kustomize', dir]);
  expect(result.status, result.output).toBe(0);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

/** The kubernetes-models module of each apiVersion the manifests use. */
const MODEL_MODULES: Record<string, () => Promise<object>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
};

/** Validate with the kubernetes-models class of the object's apiVersion and kind. */
async function validateObject(object: K8sObject): Promise<void> {
  const load = MODEL_MODULES[object.apiVersion];
  if (load === undefined) throw new Error(`no schema module for apiVersion ${object.apiVersion}`);
  const module = (await load()) as Record<string, unknown>;
  const Model = module[object.kind] as (new (data: K8sObject) => { validate(): void }) | undefined;
  if (Model === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

function only<T extends K8sObject>(objects: readonly K8sObject[], kind: string): T {
  const matches = objects.filter((o) => o.kind === kind);
  expect(matches, `exactly one ${kind}`).toHaveLength(1);
  return matches[0] as T;
}

function mainContainer(deployment: DeploymentObject): Container {
  const container = deployment.spec.template.spec.containers.find((c) => c.name === 'dashport');
  if (container === undefined) throw new Error('no container named dashport');
  return container;
}

/**
 * The dashport CLI command a container runs (`node dist/src/main.js <words…>`), resolved
 * against the real commander program: its path of subcommands and the options it passes.
 */
function cliCommand(container: Container): { path: string[]; options: Record<string, string> } {
  const [node, main, ...words] = container.command ?? [];
  expect([node, main], container.name).toEqual(['node', 'dist/src/main.js']);
  let command: Command = createProgram();
  const names: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (word.startsWith('--')) {
      const option = command.options.find((o) => o.long === word);
      if (option === undefined) throw new Error(`${names.join(' ')} has no option ${word}`);
      options[word] = option.required || option.optional ? (words[++i] ?? '') : 'true';
      continue;
    }
    const next = command.commands.find((c) => c.name() === word);
    if (next === undefined) throw new Error(`no command "${[...names, word].join(' ')}"`);
    command = next;
    names.push(word);
  }
  return { path: names, options };
}

function configMapData(objects: readonly K8sObject[]): Record<string, string> {
  return (only(objects, 'ConfigMap') as K8sObject & { data: Record<string, string> }).data;
}

describe('deploy/k8s base (kubectl kustomize + kubernetes-models)', () => {
  let objects: K8sObject[] = [];
  let deployment: DeploymentObject;
  beforeAll(() => {
    objects = kustomize(K8S_DIR);
    deployment = only<DeploymentObject>(objects, 'Deployment');
  });

  it('renders exactly the base objects, and each validates against its schema', async () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'Service',
    ]);
    for (const object of objects) await validateObject(object);
  });

  it('rejects an invalid object (the validator is real)', async () => {
    const broken = structuredClone(deployment);
    const port = mainContainer(broken).ports?.[0];
    if (port === undefined) throw new Error('the container declares no port');
    (port as { containerPort: unknown }).containerPort = 'http';
    await expect(validateObject(broken)).rejects.toThrow(/containerPort must be integer/);
  });

  it('probes /livez, /readyz and /health on the declared port', () => {
    const container = mainContainer(deployment);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8050, protocol: 'TCP' }]);
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    // A first start builds caches: the startup probe must allow minutes, not seconds.
    const startup = container.startupProbe;
    expect((startup?.failureThreshold ?? 0) * (startup?.periodSeconds ?? 0)).toBeGreaterThanOrEqual(
      120,
    );
  });

  it('runs non-root with a read-only root filesystem and no capabilities', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
      expect(container.securityContext, container.name).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      const mounts = Object.fromEntries(
        (container.volumeMounts ?? []).map((m) => [m.mountPath, m.name]),
      );
      expect(mounts, container.name).toEqual({
        '/app/data_cache': 'cache',
        '/tmp': 'tmp',
        '/etc/dashport/auth': 'auth',
      });
      expect(
        container.resources?.requests?.cpu,
        `${container.name} CPU request (HPA)`,
      ).toBeDefined();
      expect(container.resources?.limits?.memory, `${container.name} memory limit`).toBeDefined();
    }
    const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
    expect(volumes.tmp?.emptyDir).toBeDefined();
    expect(volumes.cache?.emptyDir).toBeDefined();
    expect(configMapData(objects).DASHPORT_CACHE_DIR).toBe('/app/data_cache');
  });

  it('gives the drain its time: grace period >= preStop + shutdown delay + graceful timeout', () => {
    const container = mainContainer(deployment);
    const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
    expect(preStop[0]).toBe('sleep');
    const data = configMapData(objects);
    const needed =
      Number(preStop[1]) +
      Number(data.DASHPORT_SHUTDOWN_DELAY) +
      Number(data.DASHPORT_GRACEFUL_TIMEOUT);
    expect(Number.isFinite(needed)).toBe(true);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      needed,
    );
  });

  it('builds the cache in an init container with the same image, settings and volume', () => {
    const pod = deployment.spec.template.spec;
    const init = pod.initContainers?.[0];
    const main = mainContainer(deployment);
    expect(init?.command).toEqual(['node', 'dist/src/main.js', 'cache', 'build']);
    expect(init?.image).toBe(main.image);
    expect(init?.envFrom).toEqual(main.envFrom);
    expect(main.command).toEqual(['node', 'dist/src/main.js', 'serve']);
    expect(main.envFrom?.[1]?.secretRef).toEqual({ name: 'dashport-secrets', optional: true });
  });

  it('autoscales 2-8 replicas at 70% CPU and leaves the count to the autoscaler', () => {
    const hpa = only<K8sObject & { spec: Record<string, unknown> }>(
      objects,
      'HorizontalPodAutoscaler',
    );
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    });
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('selects the pods from the Service and the PodDisruptionBudget', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    const service = only<
      K8sObject & { spec: { selector: Record<string, string>; ports: unknown[] } }
    >(objects, 'Service');
    const pdb = only<
      K8sObject & {
        spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
      }
    >(objects, 'PodDisruptionBudget');
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(podLabels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
    ]);
    expect(pdb.spec.minAvailable).toBe(1);
  });

  it("holds settings the server's config parser accepts", () => {
    const config = buildConfig(configMapData(objects), { cwd: '/app', version: 'test' });
    expect(config.isProduction).toBe(true);
    expect(config.logFormat).toBe('json');
    expect(config.trustProxy).toBe('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16');
  });

  it('ships a Secret example that validates and names only configuration variables', async () => {
    const secret = parse(
      readFileSync(path.join(K8S_DIR, 'base', 'secret.example.yaml'), 'utf8'),
    ) as K8sObject & {
      stringData: Record<string, string>;
    };
    await validateObject(secret);
    expect(secret.metadata.name).toBe(mainContainer(deployment).envFrom?.[1]?.secretRef?.name);
    expect(Object.keys(secret.stringData).sort()).toEqual([
      'DASHPORT_API_TOKEN',
      'DASHPORT_SESSION_SECRET',
      'DATABASE_URL',
      'REDIS_URL',
      'SENTRY_DSN',
    ]);
  });

  it('ships the access-control Secret example the Deployment mounts', async () => {
    const secret = parse(
      readFileSync(path.join(K8S_DIR, 'base', 'auth-secret.example.yaml'), 'utf8'),
    ) as K8sObject & { stringData: Record<string, string> };
    await validateObject(secret);
    expect(Object.keys(secret.stringData).sort()).toEqual(['keys.txt', 'users.txt']);
    const volumes = (
      deployment as unknown as {
        spec: {
          template: { spec: { volumes: { name: string; secret?: { secretName: string } }[] } };
        };
      }
    ).spec.template.spec.volumes;
    expect(volumes.find((volume) => volume.name === 'auth')?.secret?.secretName).toBe(
      secret.metadata.name,
    );
    const config = configMapData(objects);
    expect(config.DASHPORT_USERS_FILE).toBe('/etc/dashport/auth/users.txt');
    expect(config.DASHPORT_KEYS_FILE).toBe('/etc/dashport/auth/keys.txt');
  });
});

describe('deploy/k8s/overlays/production', () => {
  let objects: K8sObject[] = [];
  beforeAll(() => {
    objects = kustomize(path.join(K8S_DIR, 'overlays', 'production'));
  });

  it('renders, and every object validates against its schema', async () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Ingress',
      'Job',
      'Namespace',
      'PersistentVolumeClaim',
      'PodDisruptionBudget',
      'Service',
    ]);
    for (const object of objects) await validateObject(object);
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind} namespace`).toBe('dashport');
    }
  });

  it('pins the image, shares one cache volume and requires the Secret', () => {
    const deployment = only<DeploymentObject>(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
      expect(container.image, container.name).toBe('registry.example.com/dashport:0.1.0');
      expect(container.envFrom?.[1]?.secretRef, container.name).toEqual({
        name: 'dashport-secrets',
        optional: false,
      });
    }
    const cache = pod.volumes?.find((v) => v.name === 'cache');
    expect(cache).toEqual({
      name: 'cache',
      persistentVolumeClaim: { claimName: 'dashport-cache' },
    });
    const pvc = only<K8sObject & { spec: { accessModes: string[] } }>(
      objects,
      'PersistentVolumeClaim',
    );
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const hpa = only<K8sObject & { spec: { minReplicas: number; maxReplicas: number } }>(
      objects,
      'HorizontalPodAutoscaler',
    );
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 8 });
  });

  it('builds the cache once in a Job onto the shared volume; the serving pods only wait for it', async () => {
    const deployment = only<DeploymentObject>(objects, 'Deployment');
    const job = only<JobObject>(objects, 'Job');
    const pvc = only<K8sObject & { spec: { accessModes: string[] } }>(
      objects,
      'PersistentVolumeClaim',
    );
    const pod = deployment.spec.template.spec;
    const jobPod = job.spec.template.spec;
    const builder = jobPod.containers[0];
    if (builder === undefined) throw new Error('the Job has no container');
    const server = mainContainer(deployment);
    expect(cliCommand(builder)).toEqual({ path: ['cache', 'build'], options: {} });
    expect(cliCommand(server)).toEqual({ path: ['serve'], options: {} });
    // The serving pods wait for the Job rather than build: one init container, `cache status
    // --wait` with a positive number of seconds, and no container of theirs runs a build.
    expect((pod.initContainers ?? []).map((c) => c.name)).toEqual(['cache-wait']);
    const wait = cliCommand(pod.initContainers?.[0] as Container);
    expect(wait.path).toEqual(['cache', 'status']);
    expect(Number(wait.options['--wait'])).toBeGreaterThan(0);
    for (const container of [...pod.containers, ...(pod.initContainers ?? [])])
      expect(cliCommand(container).path, container.name).not.toContain('build');
    // Same image, settings and cache dir; both claim the one ReadWriteMany volume.
    expect(builder.image).toBe(server.image);
    expect(builder.envFrom).toEqual(server.envFrom);
    const cacheDir = configMapData(objects).DASHPORT_CACHE_DIR;
    const claimOf = (spec: PodSpec) =>
      spec.volumes?.find((v) => v.name === 'cache')?.persistentVolumeClaim?.claimName;
    expect(claimOf(jobPod)).toBe(pvc.metadata.name);
    expect(claimOf(pod)).toBe(pvc.metadata.name);
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    for (const container of [builder, ...pod.containers, ...(pod.initContainers ?? [])]) {
      const mount = container.volumeMounts?.find((m) => m.mountPath === cacheDir);
      expect(mount?.name, `${container.name} mounts the cache at ${cacheDir}`).toBe('cache');
      expect(container.securityContext, container.name).toEqual(server.securityContext);
    }
    expect(jobPod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(jobPod.restartPolicy).toBe('Never');
    // The builder's pod is no server: neither the Service nor the PodDisruptionBudget selects it.
    const jobLabels = job.spec.template.metadata.labels;
    const service = only<K8sObject & { spec: { selector: Record<string, string> } }>(
      objects,
      'Service',
    );
    const pdb = only<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(
      objects,
      'PodDisruptionBudget',
    );
    for (const selector of [service.spec.selector, pdb.spec.selector.matchLabels]) {
      const selects = Object.entries(selector).every(([key, value]) => jobLabels[key] === value);
      expect(selects, JSON.stringify(selector)).toBe(false);
    }
    // The validator is real for the Job too.
    const broken = structuredClone(job);
    (broken.spec as { backoffLimit: unknown }).backoffLimit = 'twice';
    await expect(validateObject(broken)).rejects.toThrow(/backoffLimit must be integer/);
  });

  it("routes the ingress to the Service with the nginx site's SSE and body settings", () => {
    const ingress = only<K8sObject & { metadata: { annotations: Record<string, string> } }>(
      objects,
      'Ingress',
    );
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-body-size': '16m',
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
    });
    expect(JSON.stringify(ingress)).toContain(
      '"service":{"name":"dashport","port":{"name":"http"}}',
    );
    const data = configMapData(objects);
    expect(buildConfig(data, { cwd: '/app', version: 'test' }).logLevel).toBe('warn');
  });
});
