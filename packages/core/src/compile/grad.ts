/**
 * Reverse-mode differentiation over the graph: `grad(loss, params)` appends the backward pass to
 * the same graph and returns d loss / d param for each param, as tensors of the params' shapes.
 *
 * Only nodes on a path from a param to the loss are differentiated (the rest would be dead code).
 * Node ids are a topological order (graph.ts), so walking ids downward visits every node after all
 * of its consumers, when its output gradient is complete. Contributions from several consumers are
 * summed with one ONNX Sum; a gradient of a broadcast shape is summed back to the input's shape here,
 * once, instead of in every op's VJP.
 */
import { Tensor, sameShape } from './graph.ts';
import { addN, expand, reshape, sum } from './ops.ts';

export function grad(loss: Tensor, params: Tensor[]): Tensor[] {
  if (loss.size !== 1 || loss.dtype !== 'float32') throw new Error(`grad: the loss must be a float32 scalar, got [${loss.shape}] ${loss.dtype}`);
  const g = loss.graph;

  // Nodes that depend on a param…
  const fromParams = new Set<number>(params.map((p) => p.id));
  for (const n of g.nodes) if (n.inputs.some((i) => fromParams.has(i.id))) fromParams.add(n.id);
  // …and that the loss depends on.
  const onPath = new Set<number>();
  const stack = [loss];
  while (stack.length) {
    const n = stack.pop()!;
    if (onPath.has(n.id) || !fromParams.has(n.id)) continue;
    onPath.add(n.id);
    stack.push(...n.inputs);
  }

  const contributions = new Map<number, Tensor[]>();
  const push = (t: Tensor, dt: Tensor) => {
    const list = contributions.get(t.id);
    if (list) list.push(dt);
    else contributions.set(t.id, [dt]);
  };
  push(loss, expand(g.scalar(1), loss.shape));

  const paramIds = new Set(params.map((p) => p.id));
  const top = loss.id;
  for (let id = top; id >= 0; id--) {
    if (!onPath.has(id) || paramIds.has(id)) continue;
    const node = g.nodes[id]!;
    const dys = contributions.get(id);
    if (!dys) continue;
    if (!node.vjp) throw new Error(`grad: ${node.op} (node ${id}) is on the path to the loss but has no gradient`);
    const dy = addN(dys);
    const dxs = node.vjp(dy, node);
    node.inputs.forEach((input, i) => {
      const dx = dxs[i];
      if (dx && onPath.has(input.id)) push(input, unbroadcast(dx, input.shape));
    });
  }
  return params.map((p) => {
    const dys = contributions.get(p.id);
    return dys ? addN(dys) : expand(g.scalar(0), p.shape);
  });
}

/** Sum a gradient of a broadcast shape back to `shape`. */
export function unbroadcast(dx: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(dx.shape, shape)) return dx;
  const lead = dx.rank - shape.length;
  if (lead < 0) throw new Error(`unbroadcast: [${dx.shape}] → [${shape}]`);
  const axes: number[] = [];
  for (let i = 0; i < dx.rank; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && dx.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== dx.shape[i]) throw new Error(`unbroadcast: [${dx.shape}] → [${shape}]`);
  }
  return reshape(axes.length ? sum(dx, axes) : dx, shape);
}
