#pragma once

#include "core/config/pipeline_config.hpp"
#include "core/engine/join_engine.hpp"

#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

namespace slatrack::ui {

// Runs a task on the engine's owner thread (Monitor::post in the app; a
// test's own engine thread in tests). The task may never run (the monitor
// stopped): callers must not wait for it on the UI thread.
using EnginePost = std::function<void(std::function<void(const engine::JoinEngine&)>)>;

// What the investigation views need to know about the pipeline: where to
// ask (post), how IDs are written, which brokers hold the raw messages.
struct EngineAccess {
    EnginePost post;
    config::PipelineConfig config;
    // How long a raw-message fetch may wait for the brokers (a pool thread
    // waits, never the UI; quitting waits for a fetch still running).
    std::chrono::milliseconds fetchTimeout{10'000};
    bool valid() const { return static_cast<bool>(post); }
};

// Questions to the engine, answered on the UI thread: ask(question, answer)
// runs `question` on the engine thread and `answer` with its result on the
// thread this object lives on, by a queued call. The UI thread never reads
// the engine and never waits for it.
//
// If this object is destroyed first, pending answers are dropped: the
// engine thread checks a shared token under a mutex before queueing (and
// Qt discards calls queued to a deleted object).
//
// Thread: construct, ask() and destroy on the UI thread.
class EngineQueries : public QObject {
    Q_OBJECT

public:
    explicit EngineQueries(EngineAccess access, QObject* parent = nullptr);
    ~EngineQueries() override;

    const EngineAccess& access() const { return m_access; }
    bool connected() const { return m_access.valid(); }

    // `context` (default: this object) is where the answer goes: if it is
    // destroyed before the answer arrives, the answer is dropped.
    template <class Result>
    void ask(std::function<Result(const engine::JoinEngine&)> question, std::function<void(Result)> answer, QObject* context = nullptr)
    {
        if (!m_access.post)
            return;
        std::shared_ptr<Token> token = m_token;
        auto reply = guarded(std::move(answer), context);
        m_access.post([token, question = std::move(question), reply](const engine::JoinEngine& engine) {
            auto result = std::make_shared<Result>(question(engine));
            token->deliver([reply, result] { (*reply)(std::move(*result)); });
        });
    }

    // The same, for work that must run on a thread of its own, not the
    // engine's (a call to Kafka): `job` runs on the global thread pool.
    template <class Result>
    void run(std::function<Result()> job, std::function<void(Result)> answer, QObject* context = nullptr)
    {
        std::shared_ptr<Token> token = m_token;
        auto reply = guarded(std::move(answer), context);
        startDetached([token, job = std::move(job), reply] {
            auto result = std::make_shared<Result>(job());
            token->deliver([reply, result] { (*reply)(std::move(*result)); });
        });
    }

private:
    struct Token {
        std::mutex mutex;
        QObject* target = nullptr;  // null once the EngineQueries is gone
        void deliver(std::function<void()> call);
    };
    static void startDetached(std::function<void()> job);
    // Built on the UI thread and only ever called there; shared (never
    // copied) across threads, so the QPointer inside is not touched off it.
    template <class Result>
    std::shared_ptr<std::function<void(Result)>> guarded(std::function<void(Result)> answer, QObject* context)
    {
        QPointer<QObject> target(context ? context : this);
        return std::make_shared<std::function<void(Result)>>([target, answer = std::move(answer)](Result result) {
            if (target)
                answer(std::move(result));
        });
    }

    EngineAccess m_access;
    std::shared_ptr<Token> m_token;
};

} // namespace slatrack::ui
