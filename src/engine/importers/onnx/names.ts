// Stable IR node names from ONNX node names. torch.onnx.export (≥ 1.13) names a node by its
// module scope and op, e.g. `/layer2/layer2.3/conv1/Conv`; each scope part is the module's
// qualified name or its attribute name. We rebuild the torchvision module path
// (`layer2.3.conv1`; `/layer1/layer1.0/downsample/downsample.0/Conv` → `layer1.0.downsample.0`),
// which is what users type and what layer-names.ts resolves.

/** `/layer2/layer2.3/conv1/Conv` → `layer2.3.conv1`; null when the node has no name. */
export function modulePath(onnxName: string | null | undefined, opType: string): string | null {
  if (!onnxName) return null;
  const parts = onnxName.replace(/^\/+/, '').split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  // the last part is the op (`Conv`, `Relu_1`) unless the name is a single token like `Conv_12`
  if (parts.length > 1 && new RegExp(`^${opType}(_\\d+)?$`).test(parts[parts.length - 1])) parts.pop();
  // a Sequential's child appears as `<parent attr>.<index>` right after `<parent attr>`
  const segs: string[] = [];
  for (const p of parts) {
    if (segs.length > 0 && p.startsWith(`${segs[segs.length - 1]}.`)) segs[segs.length - 1] = p;
    else segs.push(p);
  }
  return segs.join('.');
}

/**
 * Names for a list of ONNX nodes: the module path; a path that is also the prefix of
 * another node's path is a container calling a functional op (the block's `Add`), so the op
 * is appended (`layer2.3.add`); duplicates get `_2`, `_3`.
 */
export function irNodeNames(nodes: { name?: string | null; opType?: string | null }[]): string[] {
  const paths = nodes.map((n, i) => modulePath(n.name, n.opType ?? '') ?? `${n.opType ?? 'node'}_${i}`);
  const containers = new Set<string>();
  for (const p of paths) {
    const parts = p.split('.');
    for (let k = 1; k < parts.length; k++) containers.add(parts.slice(0, k).join('.'));
  }
  const used = new Map<string, number>();
  return paths.map((p, i) => {
    const base = containers.has(p) ? `${p}.${(nodes[i].opType ?? 'op').toLowerCase()}` : p;
    const k = (used.get(base) ?? 0) + 1;
    used.set(base, k);
    return k === 1 ? base : `${base}_${k}`;
  });
}
