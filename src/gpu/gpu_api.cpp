// gpu_api.cpp: see gpu_api.h.
#include "gpu/gpu_api.h"
#include "core/api_args.h"

#include "core/vocab.h"
#include "gpu/decode.h"
#include "gpu/forward.h"
#include "gpu/kernel_check.h"
#include "gpu/runtime.h"
#include "models/decode_workload.h"
#include "models/workloads.h"

#include <emscripten/emscripten.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <stdexcept>

namespace attn::gpu {

using nlohmann::json;

namespace {

// Sends a late answer to the page: Module.attnReply(id, json, floats or null).
void reply(int id, const json& result, const std::vector<float>* data = nullptr) {
    const std::string text = result.dump();
    const float* ptr = data && !data->empty() ? data->data() : nullptr;
    const int n = ptr ? static_cast<int>(data->size()) : 0;
    EM_ASM(
        {
            if (Module.attnReply)
                Module.attnReply($0, UTF8ToString($1), $3 ? HEAPF32.slice($2 >> 2, ($2 >> 2) + $3) : null);
        },
        id, text.c_str(), ptr, n);
}

json status_json() {
    const GpuStatus& s = Runtime::instance().status();
    json errors = json::array();
    for (const CompileMessage& m : s.compile_errors)
        errors.push_back({{"shader", m.shader}, {"type", m.type}, {"line", m.line}, {"column", m.column},
                          {"message", m.text}, {"text", format_message(m)}});
    return {{"state", state_name(s.state)},
            {"available", s.state == GpuState::Ready},
            {"adapter", s.adapter},
            {"cpu_adapter", s.cpu_adapter},
            {"notice", s.notice},
            {"compile_errors", errors},
            {"changes", s.changes}};
}

json stats_json(const BenchStats& s) {
    return {{"median_us", s.median_us}, {"p10_us", s.p10_us}, {"p90_us", s.p90_us},
            {"samples", s.samples}, {"runs_per_sample", s.runs_per_sample}};
}

// One complete run for a benchmark: calls done("") when its numbers are back, or done(error).
using RunOnce = std::function<void(std::function<void(std::string)> done)>;

// A run of a plan, looked up again before every run (it may be evicted or its device lost between two).
RunOnce plan_run(std::function<Plan*(std::string*)> get_plan) {
    return [get_plan](std::function<void(std::string)> done) {
        std::string error;
        Plan* plan = get_plan(&error);
        if (!plan) return done(error);
        plan->run([done](RunResult r) { done(r.error); });
    };
}

// Times runs: kWarmupRuns, one run to choose the runs per sample, then the samples.
struct GpuBench : std::enable_shared_from_this<GpuBench> {
    RunOnce run_once;
    int samples = 0;
    int warmup_left = kWarmupRuns;
    int per_sample = 0;       // 0 until calibrated
    int runs_left = 0;        // in the current sample
    double sample_start = 0;
    std::vector<double> per_run_us;
    std::function<void(BenchStats, std::string)> done;

    void finish(const std::string& error) {
        auto d = std::move(done);
        done = nullptr;
        if (d) d(error.empty() ? summarize(per_run_us, per_sample) : BenchStats{}, error);
    }
    void next() {
        auto self = shared_from_this();
        const double t0 = emscripten_get_now();
        run_once([self, t0](std::string error) {
            if (!error.empty()) return self->finish(error);
            self->ran(emscripten_get_now() - t0);
        });
    }
    void ran(double ms) {
        if (warmup_left > 0) {
            --warmup_left;
            return next();
        }
        if (per_sample == 0) {  // the calibration run
            per_sample = runs_per_sample(ms * 1000.0);
            runs_left = per_sample;
            sample_start = emscripten_get_now();
            return next();
        }
        if (--runs_left > 0) return next();
        per_run_us.push_back((emscripten_get_now() - sample_start) * 1000.0 / per_sample);
        if (static_cast<int>(per_run_us.size()) >= samples) return finish("");
        runs_left = per_sample;
        sample_start = emscripten_get_now();
        next();
    }
};

void start_bench(RunOnce run_once, int samples, std::function<void(BenchStats, std::string)> done) {
    auto b = std::make_shared<GpuBench>();
    b->run_once = std::move(run_once);
    b->samples = std::max(1, samples);
    b->done = std::move(done);
    b->next();
}

// A decode workload's model and source ids, or why not (its model may still be loading).
struct DecodeJob {
    const Translator* model = nullptr;
    std::vector<int> ids;
    std::string error;
};
DecodeJob decode_job(const std::string& name) {
    DecodeJob j;
    try {
        const DecodeWorkload w = parse_decode_workload(name);
        std::string status;
        j.model = find_translator(w.model, &status);
        if (!j.model) {
            j.error = "model " + w.model + " is " + (status == "loading" ? "still loading" : status);
            return j;
        }
        j.ids = encode_text(j.model->source_vocab(), w.text).ids;
        if (static_cast<int>(j.ids.size()) > j.model->max_source_tokens()) j.ids.resize(j.model->max_source_tokens());
    } catch (const std::exception& e) {
        j.error = e.what();
    }
    return j;
}

json check_json(const std::vector<CheckResult>& results) {
    json out = json::array();
    double worst = 0;
    bool all_ran = true;
    for (const CheckResult& r : results) {
        json outputs = json::array();
        for (const CheckOutput& o : r.outputs) {
            outputs.push_back({{"name", o.name}, {"size", o.size}, {"nmse", o.nmse}, {"max_abs_diff", o.max_abs_diff}, {"max_at", o.max_at}});
            worst = std::fmax(worst, o.nmse);
        }
        if (!r.error.empty()) all_ran = false;
        out.push_back({{"kernel", r.kernel}, {"shape", r.shape}, {"dispatches", r.dispatches},
                       {"outputs", outputs}, {"error", r.error}});
    }
    return {{"results", out}, {"worst_nmse", worst}, {"all_ran", all_ran}, {"adapter", Runtime::instance().status().adapter}};
}

// The plan of a workload: its inputs generated once (models/workloads.h, the same values as the
// CPU paths), its weights uploaded once, X (and the LSTM's state) re-uploaded on every run.
Plan* workload_plan(const std::string& name, std::string* error) {
    if (is_sensor_workload(name)) {  // the shipped sensor model on the workload's series
        int B = 0;
        try {
            B = parse_sensor_workload(name);
        } catch (const std::exception& e) {
            *error = e.what();
            return nullptr;
        }
        std::string status;
        const SensorModel* m = find_sensor_model(&status);
        if (!m) {
            *error = "the sensor model is " + (status == "loading" ? std::string("still loading") : status);
            return nullptr;
        }
        return Runtime::instance().plan(name, [m, B](Plan& plan, std::shared_ptr<void>* owner, std::string* err) {
            auto values = std::make_shared<Mat>(sensor_workload_values(B));
            *owner = values;
            return build_sensor(plan, *m, B, values->data(), err);
        }, error);
    }
    return Runtime::instance().plan(name, [&name](Plan& plan, std::shared_ptr<void>* owner, std::string* err) {
        Workload w;
        try {
            w = parse_workload(name);
        } catch (const std::exception& e) {
            *err = e.what();
            return false;
        }
        auto inst = std::make_shared<WorkloadInstance>(w);
        *owner = inst;
        auto in = [&](const char* t) { return inst->input(t).data.data(); };
        switch (w.kind) {
            case WorkloadKind::Mha: {
                MhaInputs m;
                m.T = w.T;
                m.D = w.D;
                m.heads = w.heads;
                m.X = in("X");
                m.Wq = in("Wq"), m.bq = in("bq"), m.Wk = in("Wk"), m.bk = in("bk");
                m.Wv = in("Wv"), m.bv = in("bv"), m.Wo = in("Wo"), m.bo = in("bo");
                return build_mha(plan, m, err);
            }
            case WorkloadKind::Pool: {
                PoolInputs p;
                p.B = w.B;
                p.T = w.T;
                p.H = w.H;
                p.X = in("X");
                p.W1 = in("W1"), p.b1 = in("b1"), p.w2 = in("w2");
                p.b2 = inst->input("b2").data[0];
                return build_pool(plan, p, false, err);
            }
            case WorkloadKind::LstmStep: {
                LstmStepInputs l;
                l.H = w.H;
                l.x = in("x"), l.h_prev = in("h_prev"), l.c_prev = in("c_prev");
                l.W_ih = in("W_ih"), l.W_hh = in("W_hh"), l.b = in("b");
                return build_lstm_step(plan, l, false, err);
            }
        }
        *err = "unknown workload kind";
        return false;
    }, error);
}

json forward_json(const std::string& name, const ForwardInfo& f) {
    const GpuStatus& s = Runtime::instance().status();
    return {{"workload", name}, {"dispatches", f.dispatches}, {"readbacks", f.readbacks},
            {"adapter", s.adapter}, {"cpu_adapter", s.cpu_adapter}};
}

int request_id(const json& args) {
    if (!args.contains("request_id") || !args["request_id"].is_number_integer())
        throw std::invalid_argument("this method answers asynchronously: pass an integer request_id");
    return args["request_id"].get<int>();
}

}  // namespace

json start_answer(const json& args) {
    Runtime::PageInfo info;
    info.available = api_args::bool_arg(args, "available", false);
    info.adapter = api_args::string_arg(args, "adapter", "");
    info.cpu_adapter = api_args::bool_arg(args, "cpu_adapter", false);
    info.notice = api_args::string_arg(args, "notice", "");
    Runtime::instance().start(info);
    return status_json();
}

json status_answer(const json&) { return status_json(); }

json check_answer(const json& args) {
    Runtime& rt = Runtime::instance();
    const int id = request_id(args);
    if (!rt.ready()) throw std::runtime_error(rt.status().notice.empty() ? "WebGPU is not ready" : rt.status().notice);
    check_kernels(rt.context(), rt.pipelines(), api_args::string_arg(args, "filter", ""),
                  [id](std::vector<CheckResult> results) { reply(id, check_json(results)); });
    return {{"pending", true}};
}

json compile_answer(const json& args) {
    Runtime& rt = Runtime::instance();
    const int id = request_id(args);
    if (!rt.context().alive()) throw std::runtime_error("no WebGPU device: " + rt.status().notice);
    compile_source(rt.context().device(), api_args::string_arg(args, "label", "source"), api_args::string_arg(args, "source", ""),
                   [id](std::vector<CompileMessage> messages) {
                       json list = json::array();
                       bool ok = true;
                       for (const CompileMessage& m : messages) {
                           if (m.type == "error") ok = false;
                           list.push_back({{"type", m.type}, {"line", m.line}, {"column", m.column},
                                           {"message", m.text}, {"text", format_message(m)}});
                       }
                       reply(id, {{"ok", ok}, {"messages", list}});
                   });
    return {{"pending", true}};
}

json roundtrip_answer(const json& args) {
    const int id = request_id(args);
    bench_workload("", static_cast<int>(api_args::int_arg(args, "iterations", 20, 1, 100000)), [id](BenchStats s, ForwardInfo, std::string error) {
        if (!error.empty()) return reply(id, {{"error", "gpu.roundtrip: " + error}});
        json j = stats_json(s);
        j["what"] = "an empty submit (no dispatch, a 4-byte copy) and its readback";
        reply(id, j);
    });
    return {{"pending", true}};
}

json run_answer(const json& args) {
    const int id = request_id(args);
    const std::string name = api_args::string_arg(args, "workload", "");
    run_workload(name, [id, name](RunResult r, ForwardInfo f) {
        if (!r.error.empty()) return reply(id, {{"error", "gpu.run " + name + ": " + r.error}});
        json j = forward_json(name, f);
        j["elapsed_ms"] = r.elapsed_ms;
        reply(id, j, &r.data);
    });
    return {{"pending", true}};
}

json bench_answer(const json& args) {
    const int id = request_id(args);
    const std::string name = api_args::string_arg(args, "workload", "");
    if (name.empty()) throw std::invalid_argument("name a workload (gpu.roundtrip times the empty round trip)");
    bench_workload(name, static_cast<int>(api_args::int_arg(args, "iterations", 20, 1, 100000)), [id, name](BenchStats s, ForwardInfo f, std::string error) {
        if (!error.empty()) return reply(id, {{"error", "gpu.bench " + name + ": " + error}});
        json j = stats_json(s);
        j.update(forward_json(name, f));
        reply(id, j);
    });
    return {{"pending", true}};
}

void bench_workload(const std::string& name, int samples, std::function<void(BenchStats, ForwardInfo, std::string)> done) {
    Runtime& rt = Runtime::instance();
    if (name.empty()) {
        start_bench(plan_run([&rt](std::string* error) { return rt.round_trip_plan(error); }), samples,
                    [done](BenchStats s, std::string error) { done(s, ForwardInfo{0, 1}, error); });
        return;
    }
    if (is_decode_workload(name)) {  // a run: the whole decode, inputs uploaded, one dispatch, readback
        const DecodeJob job = decode_job(name);
        if (!job.error.empty()) return done(BenchStats{}, ForwardInfo{}, job.error);
        auto info = std::make_shared<ForwardInfo>();
        RunOnce once = [job, info](std::function<void(std::string)> ran) {
            decode_on_gpu(*job.model, job.ids, decode_workload_options(Backend::Simd), false, [info, ran](GpuDecode g) {
                *info = ForwardInfo{g.dispatches, g.readbacks};
                ran(g.error);
            });
        };
        start_bench(once, samples, [done, info](BenchStats s, std::string err) { done(s, *info, err); });
        return;
    }
    std::string error;
    Plan* plan = workload_plan(name, &error);
    if (!plan) return done(BenchStats{}, ForwardInfo{}, error);
    const ForwardInfo info{plan->dispatch_count(), plan->readback_count()};
    start_bench(plan_run([name](std::string* err) { return workload_plan(name, err); }), samples,
                [done, info](BenchStats s, std::string err) { done(s, info, err); });
}

void run_workload(const std::string& name, std::function<void(RunResult, ForwardInfo)> done) {
    if (is_decode_workload(name)) {  // every step's logits, as the CPU paths answer
        const DecodeJob job = decode_job(name);
        if (!job.error.empty()) {
            RunResult r;
            r.error = job.error;
            return done(std::move(r), ForwardInfo{});
        }
        decode_on_gpu(*job.model, job.ids, decode_workload_options(Backend::Simd), false, [done](GpuDecode g) {
            RunResult r;
            r.error = g.error;
            r.elapsed_ms = g.elapsed_ms;
            for (const GpuStep& s : g.steps) r.data.insert(r.data.end(), s.logits.begin(), s.logits.end());
            done(std::move(r), ForwardInfo{g.dispatches, g.readbacks});
        });
        return;
    }
    std::string error;
    Plan* plan = workload_plan(name, &error);
    if (!plan) {
        RunResult r;
        r.error = error;
        return done(std::move(r), ForwardInfo{});
    }
    const ForwardInfo info{plan->dispatch_count(), plan->readback_count()};
    plan->run([done, info](RunResult r) { done(std::move(r), info); });
}

}  // namespace attn::gpu
