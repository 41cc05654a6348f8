// decode_queue.cpp: decode_on_gpu (decode.h): one plan per (model, trace or not), kept by the Runtime;
// the runs of one plan go one at a time through a small queue, so that each uploads its own inputs.
// Not the plans (decode_lstm.cpp, decode_transformer.cpp). Test: tests/e2e/webgpu.test.mjs.
#include "gpu/decode_plan.h"

#include "gpu/runtime.h"
#include "models/seq2seq_lstm.h"
#include "models/transformer.h"
#include "nn/normalizers.h"

#include <deque>
#include <functional>
#include <map>
#include <memory>

namespace attn::gpu {

namespace {

using namespace decoding;

// The runs waiting for a plan, one in flight at a time, each with its own inputs.
struct Request {
    std::vector<int> ids;
    RunOptions options;
    std::function<void(GpuDecode)> done;
};
struct Queue {
    std::deque<Request> waiting;
    bool busy = false;
};
std::map<std::string, Queue>& queues() {
    static std::map<std::string, Queue> q;
    return q;
}

std::string plan_key(const Translator& model, bool trace) {
    return "decode:" + model.info().name + (trace ? ":trace" : ":logits");
}

void pump(const Translator* model, bool trace);

void finish(const Translator* model, bool trace, Request& req, GpuDecode g) {
    auto done = std::move(req.done);
    queues()[plan_key(*model, trace)].busy = false;
    queues()[plan_key(*model, trace)].waiting.pop_front();
    done(std::move(g));
    pump(model, trace);
}

void pump(const Translator* model, bool trace) {
    const std::string key = plan_key(*model, trace);
    Queue& q = queues()[key];
    if (q.busy || q.waiting.empty()) return;
    Request& req = q.waiting.front();
    const auto* lstm = dynamic_cast<const Seq2SeqLstm*>(model);
    const auto* transformer = dynamic_cast<const Transformer*>(model);
    GpuDecode fail;
    if (!lstm && !transformer) {
        fail.error = "the GPU decode does not know the architecture of " + model->info().name;
        return finish(model, trace, req, std::move(fail));
    }
    std::string error;
    Plan* plan = Runtime::instance().plan(key, [&](Plan& pl, std::shared_ptr<void>* owner, std::string* err) {
        std::shared_ptr<DecodeData> d;
        const bool ok = lstm ? build_lstm_decode(pl, *lstm, trace, &d, err)
                             : build_transformer_decode(pl, *transformer, trace, &d, err);
        *owner = std::static_pointer_cast<void>(d);
        return ok;
    }, &error);
    if (!plan) {
        fail.error = error;
        return finish(model, trace, req, std::move(fail));
    }
    // the owner was stored as a shared_ptr<DecodeData> converted to shared_ptr<void>
    auto d = std::static_pointer_cast<DecodeData>(Runtime::instance().owner(key));
    std::vector<std::string> notes;
    if (!d->fill(req.ids, req.options, notes, &error)) {
        fail.error = error;
        return finish(model, trace, req, std::move(fail));
    }
    q.busy = true;
    const int dispatches = plan->dispatch_count(), readbacks = plan->readback_count();
    plan->run([model, trace, d, notes, dispatches, readbacks](RunResult r) {
        Queue& q = queues()[plan_key(*model, trace)];
        GpuDecode g;
        if (r.error.empty()) g = d->parse(r, trace);
        else g.error = r.error;
        g.notes = notes;
        g.elapsed_ms = r.elapsed_ms;
        g.dispatches = dispatches;
        g.readbacks = readbacks;
        finish(model, trace, q.waiting.front(), std::move(g));
    });
}

}  // namespace

void decode_on_gpu(const Translator& model, const std::vector<int>& source_ids, const RunOptions& options, bool trace,
                   std::function<void(GpuDecode)> done) {
    if (source_ids.empty()) {
        GpuDecode g;
        g.error = "empty input: there is nothing to decode";
        return done(std::move(g));
    }
    if (normalizer_info(options.normalizer).gpu_code < 0) {
        GpuDecode g;
        g.error = std::string("the ") + normalizer_name(options.normalizer) + " normalizer has no GPU path";
        return done(std::move(g));
    }
    queues()[plan_key(model, trace)].waiting.push_back({source_ids, options, std::move(done)});
    pump(&model, trace);
}

}  // namespace attn::gpu
