// The torch peer of `bench train`: the chapters' models written in torch eager as torch users write them
// (F.linear as nn.Linear does, F.layer_norm / F.rms_norm, F.scaled_dot_product_attention, F.cross_entropy,
// torch.optim.Adam, fused by default: `--torch-adam`), loaded with our exported initial weights. One persistent `python3 -c`
// process per thread count; JSON lines in, one line out per request:
//   {"op": "version"}                                      → "torch 2.13.0+cpu"
//   {"op": "load", "key", "model", "config", "batch", "folder", "lr", "adam"} → {"losses": [first, second]}
//     (builds the model from folder/index.json + folder/weights.bin and runs two steps from the exported weights)
//   {"op": "time", "key", "reps"}                           → mean seconds per step of `reps` more steps

let torchTrainPeerScript = #"""
    import os, sys, json, time, math
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(int(os.environ['BENCH_THREADS']))
    torch.set_num_interop_threads(1)

    def load_parameters(folder):
        index = json.load(open(os.path.join(folder, 'index.json')))
        flat = torch.frombuffer(bytearray(open(os.path.join(folder, 'weights.bin'), 'rb').read()), dtype=torch.float32)
        params = []
        for e in index:
            n = math.prod(e['shape'])
            t = flat[e['offset']:e['offset'] + n].reshape(e['shape']).clone()
            # Our Dense weight is [in, out] (y = xW); nn.Linear keeps [out, in] (y = xWᵀ).
            if e['dense']: t = t.t().contiguous()
            params.append(torch.nn.Parameter(t))
        return params

    def rope_tables(n, dh):
        theta = torch.pow(torch.tensor(10000.0, dtype=torch.float64), -2 * torch.arange(dh // 2, dtype=torch.float64) / dh)
        angle = torch.arange(n, dtype=torch.float64)[:, None] * theta[None, :]
        cos = torch.repeat_interleave(torch.cos(angle), 2, -1).float()[:, None, :]
        sin = torch.repeat_interleave(torch.sin(angle), 2, -1).float()[:, None, :]
        return cos, sin

    def rope(x, cos, sin):
        # Interleaved pairs (bert4keras): (x0, x1) -> (x0 cos - x1 sin, x1 cos + x0 sin); x is [b, n, h, dh] with
        # tables [n, 1, dh], or [b, n, dh] with tables [n, dh].
        x2 = torch.stack([-x[..., 1::2], x[..., ::2]], -1).reshape(x.shape)
        return x * cos + x2 * sin

    def gau_stack(P, cfg, ids, labels):
        # Chapter 3: LayerNorm'd embedding and post-LN, biases, relu²/n, no RoPE. Chapter 6: gain-free RMS norms,
        # no biases, RoPE on q and k, relu²/n or softmax.
        it = iter(P)
        L, e, s, eps, n = cfg['depth'], cfg['hidden'], cfg['key'], cfg['eps'], cfg['length']
        bias, layer, relu2 = cfg.get('bias', True), cfg.get('norm', 'layer') == 'layer', cfg.get('attention', 'relu2') == 'relu2'
        emb = next(it)
        g0, b0 = (next(it), next(it)) if layer else (None, None)
        def take():
            w = next(it); return (w, next(it) if bias else None)
        units = []
        for _ in range(L):
            W = take(); gq, bq, gk, bk = next(it), next(it), next(it), next(it); Wo = take()
            units.append((W, gq, bq, gk, bk, Wo))
        norms = [(next(it), next(it)) if layer else (None, None) for _ in range(L)]
        readout = take()
        d = emb.shape[1]
        cos, sin = rope_tables(n, s) if cfg.get('rope', False) else (None, None)
        def norm(x, g, b):
            return F.layer_norm(x, (d,), g, b, eps) if layer else F.rms_norm(x, (d,), None, eps)
        def loss():
            h = norm(F.embedding(ids, emb), g0, b0)
            for (W, gq, bq, gk, bk, Wo), (g, bb) in zip(units, norms):
                u, v, z = F.silu(F.linear(h, *W)).split([e, e, s], -1)
                q = z * gq + bq
                k = z * gk + bk
                if cos is not None:
                    q = rope(q, cos[:, 0], sin[:, 0]); k = rope(k, cos[:, 0], sin[:, 0])
                scores = q @ k.transpose(-1, -2) * (1 / math.sqrt(s))
                a = torch.relu(scores).square() * (1 / n) if relu2 else torch.softmax(scores, -1)
                h = norm(h + F.linear(u * (a @ v), *Wo), g, bb)
            logits = F.linear(h, *readout).reshape(-1, readout[0].shape[0])
            scored = (labels >= 0).nonzero().squeeze(1)
            return F.cross_entropy(logits[scored], labels[scored])
        return loss

    def transformer_stack(P, cfg, ids, labels):
        it = iter(P)
        bias, layer, eps, H = cfg['bias'], cfg['norm'] == 'layer', cfg['eps'], cfg['heads']
        emb = next(it)
        g0, b0 = (next(it), next(it)) if cfg['embedding_norm'] == 'layer' else (None, None)
        def take():
            w = next(it); return (w, next(it) if bias else None)
        blocks = []
        for _ in range(cfg['depth'] // 2):
            q, k, v, o = take(), take(), take(), take()
            n1 = (next(it), next(it)) if layer else None
            f1, f2 = take(), take()
            n2 = (next(it), next(it)) if layer else None
            blocks.append((q, k, v, o, n1, f1, f2, n2))
        readout = take()
        d = emb.shape[1]; dh = d // H; B, n = ids.shape
        cos, sin = rope_tables(n, dh) if cfg['rope'] else (None, None)
        def norm(x, p):
            return F.layer_norm(x, (d,), p[0], p[1], eps) if layer else F.rms_norm(x, (d,), None, eps)
        def heads(t, rotate):
            t = t.view(B, n, H, dh)
            if rotate and cos is not None: t = rope(t, cos, sin)
            return t.transpose(1, 2)
        def loss():
            x = F.embedding(ids, emb)
            x = F.layer_norm(x, (d,), g0, b0, eps) if g0 is not None else F.rms_norm(x, (d,), None, eps)
            for q, k, v, o, n1, f1, f2, n2 in blocks:
                ctx = F.scaled_dot_product_attention(heads(F.linear(x, *q), True), heads(F.linear(x, *k), True),
                                                     heads(F.linear(x, *v), False), scale=1 / math.sqrt(dh))
                x = norm(x + F.linear(ctx.transpose(1, 2).reshape(B, n, d), *o), n1)
                x = norm(x + F.linear(torch.relu(F.linear(x, *f1)), *f2), n2)
            logits = F.linear(x, *readout).reshape(-1, readout[0].shape[0])
            scored = (labels >= 0).nonzero().squeeze(1)
            return F.cross_entropy(logits[scored], labels[scored])
        return loss

    def tiny_encoder(it, cfg, ids, real):
        # Kexue's TinyEncoder: pre-norm blocks (RoPE, key padding mask, ReLU FFN, biases), then a final LayerNorm.
        B, n, H, eps = cfg['batch'], cfg['length'], cfg['heads'], cfg['eps']
        emb = next(it)
        blocks = [[next(it) for _ in range(16)] for _ in range(cfg['layers'])]
        gf, bf = next(it), next(it)
        d = emb.shape[1]; dh = d // H
        key_mask = real[:, None, None, :]                       # [B, 1, 1, n]: True = attend
        cos, sin = rope_tables(n, dh)
        def heads(t, rotate):
            t = t.view(B, n, H, dh)
            if rotate: t = rope(t, cos, sin)
            return t.transpose(1, 2)
        def forward():
            x = F.embedding(ids, emb)
            for Wq, bq, Wk, bk, Wv, bv, Wo, bo, g1, b1, W1, c1, W2, c2, g2, b2 in blocks:
                a = F.layer_norm(x, (d,), g1, b1, eps)
                ctx = F.scaled_dot_product_attention(heads(F.linear(a, Wq, bq), True), heads(F.linear(a, Wk, bk), True),
                                                     heads(F.linear(a, Wv, bv), False), attn_mask=key_mask,
                                                     scale=1 / math.sqrt(dh))
                x = x + F.linear(ctx.transpose(1, 2).reshape(B, n, d), Wo, bo)
                x = x + F.linear(torch.relu(F.linear(F.layer_norm(x, (d,), g2, b2, eps), W1, c1)), W2, c2)
            return F.layer_norm(x, (d,), gf, bf, eps)
        return forward

    def span_mask(real, n, triangle):
        cell = real[:, :, None] & real[:, None, :]
        if triangle: cell = cell & torch.ones(n, n, dtype=torch.bool).triu()[None]
        return torch.zeros(real.shape[0], 1, n, n).masked_fill(~cell[:, None], float('-inf'))

    def efficient_global_pointer(it, cfg, m, real, rope_on, triangle):
        Wp, bp, Wt, bt = next(it), next(it), next(it), next(it)
        B, n, dq = cfg['batch'], cfg['length'], cfg['head_size']
        mask = span_mask(real, n, triangle)
        cos, sin = rope_tables(n, dq)
        def scores(h):
            xp = F.linear(h, Wp, bp)                             # [B, n, 2d]: q even channels, k odd
            q, k = xp[..., 0::2], xp[..., 1::2]
            if rope_on:
                q = rope(q, cos[:, 0], sin[:, 0]); k = rope(k, cos[:, 0], sin[:, 0])
            shared = q @ k.transpose(-1, -2) / math.sqrt(dq)
            units = (F.linear(xp, Wt, bt).transpose(1, 2) / 2).reshape(B, m, 2, n)
            return shared[:, None] + units[:, :, 1, :, None] + units[:, :, 0, None, :] + mask
        return scores

    def global_pointer(it, cfg, m, real, rope_on, triangle):
        W, b = next(it), next(it)
        B, n, dq = cfg['batch'], cfg['length'], cfg['head_size']
        mask = span_mask(real, n, triangle)
        cos, sin = rope_tables(n, dq)
        def scores(h):
            qk = F.linear(h, W, b)
            if rope_on: qk = rope(qk.view(B, n, 2 * m, dq), cos, sin)
            qk = qk.reshape(B, n, m, 2 * dq)
            q, k = qk[..., :dq], qk[..., dq:]
            return torch.einsum('bmhd,bnhd->bhmn', q, k) / math.sqrt(dq) + mask
        return scores

    def dense_labels(positives, rows, n):
        y = torch.zeros(rows, n * n, dtype=torch.bool)
        for r, cols in enumerate(positives):
            for c in cols: y[r, c] = True
        return y

    def global_pointer_loss(s, y, B):
        # bert4keras multilabel_categorical_crossentropy on [B·m, n²] rows with mask_zero (cell (0, 0) excluded),
        # summed over types and averaged over the batch.
        s = s.reshape(y.shape)
        s = torch.cat([torch.full_like(s[:, :1], float('-inf')), s[:, 1:]], 1)
        zero = torch.zeros_like(s[:, :1])
        neg = torch.logsumexp(torch.cat([s.masked_fill(y, float('-inf')), zero], 1), 1)
        pos = torch.logsumexp(torch.cat([(-s).masked_fill(~y, float('-inf')), zero], 1), 1)
        return (neg + pos).sum() / B

    def encoder_egp(P, cfg, ids, batch):
        it = iter(P)
        B, n, m = cfg['batch'], cfg['length'], cfg['types']
        real = torch.tensor(batch['mask'], dtype=torch.bool).view(B, n)
        encode = tiny_encoder(it, cfg, ids, real)
        head = efficient_global_pointer(it, cfg, m, real, True, True)
        y = dense_labels(batch['positives'], B * m, n)
        return lambda: global_pointer_loss(head(encode()), y, B)

    def gplinker(P, cfg, ids, batch):
        it = iter(P)
        B, n, Pn = cfg['batch'], cfg['length'], cfg['predicates']
        real = torch.tensor(batch['mask'], dtype=torch.bool).view(B, n)
        encode = tiny_encoder(it, cfg, ids, real)
        make = efficient_global_pointer if cfg['kind'] == 'efficient' else global_pointer
        entity = make(it, cfg, 2, real, True, True)
        head = make(it, cfg, Pn, real, False, False)
        tail = make(it, cfg, Pn, real, False, False)
        ye = dense_labels(batch['entity'], B * 2, n)
        yh = dense_labels(batch['head'], B * Pn, n)
        yt = dense_labels(batch['tail'], B * Pn, n)
        def loss():
            h = encode()
            return (global_pointer_loss(entity(h), ye, B) + global_pointer_loss(head(h), yh, B)
                    + global_pointer_loss(tail(h), yt, B))
        return loss

    models = {}
    for line in sys.stdin:
        req = json.loads(line)
        op = req['op']
        if op == 'version':
            print('torch ' + torch.__version__, flush=True); continue
        if op == 'load':
            cfg = req['config']
            params = load_parameters(req['folder'])
            ids = torch.tensor(req['batch']['ids']).view(cfg['batch'], cfg['length'])
            if req['model'] in ('encoder_egp', 'gplinker'):
                loss_fn = {'encoder_egp': encoder_egp, 'gplinker': gplinker}[req['model']](params, cfg, ids, req['batch'])
            else:
                labels = torch.tensor(req['batch']['labels'])
                loss_fn = {'gau_stack': gau_stack, 'transformer_stack': transformer_stack}[req['model']](params, cfg, ids, labels)
            # 'loop' is torch's default on CPU (one update per parameter); 'foreach' batches them; 'fused' is one kernel.
            variant = {'loop': {'foreach': False}, 'foreach': {'foreach': True}, 'fused': {'fused': True}}[req['adam']]
            opt = torch.optim.Adam(params, lr=req['lr'], **variant)
            def step(loss_fn=loss_fn, opt=opt):
                opt.zero_grad()
                loss = loss_fn()
                loss.backward()
                opt.step()
                return loss.item()
            models[req['key']] = step
            first = step(); second = step()
            print(json.dumps({'losses': [first, second]}), flush=True); continue
        if op == 'time':
            step = models[req['key']]; reps = req['reps']
            t0 = time.perf_counter()
            for _ in range(reps): step()
            print((time.perf_counter() - t0) / reps, flush=True); continue
        print('none', flush=True)
    """#
