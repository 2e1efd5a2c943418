#!/usr/bin/env python3
"""Regenerates sam4j's SAM 2-family config data from the reference checkouts (a build-time tool;
sam4j itself never runs Python). Writes two JSON files of ours under
sam4j-core/src/main/resources/io/sam4j/modeling/sam2/:

- official-configs.json: the `model` node of every official config. The first config of each
  group is written out whole; the others as {"base": name, "changes": {"dotted.path": value}}.
- class-defaults.json: per allowed `_target_`, the literal constructor defaults of that class
  (what hydra's instantiate uses for keys a yaml omits), and the required arguments.

Usage: tools/sam2_config_data.py /work/ref  (holding sam2/, EfficientTAM/, EdgeTAM/)
"""
import ast, json, sys, yaml, os

REF = sys.argv[1] if len(sys.argv) > 1 else '/work/ref'
OUT = os.path.join(os.path.dirname(__file__), '..', 'sam4j-core/src/main/resources/io/sam4j/modeling/sam2')
ROOT = {'sam2': REF + '/sam2', 'edgetam': REF + '/EdgeTAM', 'efftam': REF + '/EfficientTAM'}
S2 = 'sam2/configs/'
OFFICIAL = [  # (name, base or None, repo, path)
    ('sam2_hiera_t', None, 'sam2', S2 + 'sam2/sam2_hiera_t.yaml'),
    ('sam2_hiera_s', 'sam2_hiera_t', 'sam2', S2 + 'sam2/sam2_hiera_s.yaml'),
    ('sam2_hiera_b+', 'sam2_hiera_t', 'sam2', S2 + 'sam2/sam2_hiera_b+.yaml'),
    ('sam2_hiera_l', 'sam2_hiera_t', 'sam2', S2 + 'sam2/sam2_hiera_l.yaml'),
    ('sam2.1_hiera_t', 'sam2_hiera_t', 'sam2', S2 + 'sam2.1/sam2.1_hiera_t.yaml'),
    ('sam2.1_hiera_s', 'sam2.1_hiera_t', 'sam2', S2 + 'sam2.1/sam2.1_hiera_s.yaml'),
    ('sam2.1_hiera_b+', 'sam2.1_hiera_t', 'sam2', S2 + 'sam2.1/sam2.1_hiera_b+.yaml'),
    ('sam2.1_hiera_l', 'sam2.1_hiera_t', 'sam2', S2 + 'sam2.1/sam2.1_hiera_l.yaml'),
    ('edgetam', 'sam2.1_hiera_t', 'edgetam', S2 + 'edgetam.yaml'),
]
ET = 'efficient_track_anything/configs/efficienttam/'
for size in ('ti', 's'):
    base = 'efficienttam_' + size
    OFFICIAL.append((base, None if size == 'ti' else 'efficienttam_ti', 'efftam', ET + base + '.yaml'))
    for v in ('_512x512', '_1', '_2'):
        OFFICIAL.append((base + v, base, 'efftam', ET + base + v + '.yaml'))

# where each allowed _target_ is defined (module path relative to the repo root)
EXTRA_TARGETS = {  # model-level targets the builders substitute
    'sam2.sam2_video_predictor.SAM2VideoPredictor': 'sam2',
    'sam2.sam2_video_predictor.SAM2VideoPredictorVOS': 'sam2',
    'efficient_track_anything.efficienttam_video_predictor.EfficientTAMVideoPredictor': 'efftam',
}


def model_of(repo, path):
    return yaml.safe_load(open(os.path.join(ROOT[repo], path)))['model']


def targets(node, repo, out):
    if isinstance(node, dict):
        t = node.get('_target_')
        if t:
            out.setdefault(t, set()).add(repo)
        for v in node.values():
            targets(v, repo, out)
    elif isinstance(node, list):
        for v in node:
            targets(v, repo, out)


def flatten(node, prefix=''):
    flat = {}
    for k, v in node.items():
        p = prefix + k
        if isinstance(v, dict):
            flat.update({q: w for q, w in flatten(v, p + '.').items()})
            if not v:
                flat[p] = {}
        else:
            flat[p] = v
    return flat


def diff(base, new):
    fb, fn = flatten(base), flatten(new)
    ch = {k: v for k, v in fn.items() if fb.get(k, object()) != v}
    for k in fb:
        if k not in fn:
            ch[k] = {'$delete': True}
    return ch


def init_defaults(repo, target):
    mod, cls = target.rsplit('.', 1)
    path = os.path.join(ROOT[repo], mod.replace('.', '/') + '.py')
    tree = ast.parse(open(path).read())
    for n in ast.walk(tree):
        if isinstance(n, ast.ClassDef) and n.name == cls:
            for f in n.body:
                if isinstance(f, ast.FunctionDef) and f.name == '__init__':
                    a = f.args
                    args = a.args[1:]
                    defaults, req = {}, [x.arg for x in args[:len(args) - len(a.defaults)]]
                    pairs = list(zip(args[len(args) - len(a.defaults):], a.defaults))
                    pairs += [(x, d) for x, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
                    for arg, d in pairs:
                        try:
                            defaults[arg.arg] = json.loads(json.dumps(ast.literal_eval(d)))
                        except ValueError:
                            pass  # a class or a callable: not a config value
                    if a.kwarg:  # **kwargs go to the base class: its defaults apply too
                        for k, v in base_defaults(repo, mod, tree, n).items():
                            defaults.setdefault(k, v)
                    return defaults, req
            return base_defaults(repo, mod, tree, n), []  # no __init__ of its own
    raise SystemExit('class not found: ' + target)


def base_defaults(repo, mod, tree, cls):
    out = {}
    for b in cls.bases:
        name = ast.unparse(b)
        if name in ('nn.Module', 'torch.nn.Module'):
            continue
        target = mod + '.' + name
        for n in ast.walk(tree):
            if isinstance(n, ast.ImportFrom) and any(x.name == name for x in n.names):
                target = n.module + '.' + name
        for k, v in init_defaults(repo, target)[0].items():
            out.setdefault(k, v)
    return out


def main():
    models, configs, seen = {}, {}, {}
    for name, base, repo, path in OFFICIAL:
        m = model_of(repo, path)
        models[name] = m
        targets(m, repo, seen)
        entry = {'source': {'sam2': 'facebookresearch/sam2', 'edgetam': 'facebookresearch/EdgeTAM',
                            'efftam': 'yformer/EfficientTAM'}[repo] + ':' + path}
        if base is None:
            entry['model'] = m
        else:
            entry['base'] = base
            entry['changes'] = diff(models[base], m)
        configs[name] = entry
    for t, repo in EXTRA_TARGETS.items():
        seen.setdefault(t, set()).add(repo)
    classes = {}
    for t in sorted(seen):
        merged, req = {}, []
        for repo in sorted(seen[t], key=lambda r: r != 'sam2'):  # sam2's own first, then forks' extras
            d, r = init_defaults(repo, t)
            for k, v in d.items():
                merged.setdefault(k, v)
            req = req or r
        classes[t] = {'defaults': merged, 'required': req}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'official-configs.json'), 'w') as f:
        json.dump({'about': 'The model node of every official SAM 2-family config (generated by '
                   'tools/sam2_config_data.py; a config with a base = the base plus changes).',
                   'configs': configs}, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, 'class-defaults.json'), 'w') as f:
        json.dump({'about': 'Every _target_ sam4j knows, with the literal defaults of its constructor '
                   '(generated by tools/sam2_config_data.py).', 'classes': classes}, f, indent=1)
        f.write('\n')


main()
