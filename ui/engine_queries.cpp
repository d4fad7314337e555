#include "engine_queries.hpp"

#include <QMetaObject>
#include <QThreadPool>

namespace slatrack::ui {

EngineQueries::EngineQueries(EngineAccess access, QObject* parent)
    : QObject(parent)
    , m_access(std::move(access))
    , m_token(std::make_shared<Token>())
{
    m_token->target = this;
}

EngineQueries::~EngineQueries()
{
    const std::lock_guard lock(m_token->mutex);
    m_token->target = nullptr;
}

void EngineQueries::Token::deliver(std::function<void()> call)
{
    // Held while queueing so the target cannot be destroyed in between;
    // the destructor waits at most for this one invokeMethod.
    const std::lock_guard lock(mutex);
    if (target)
        QMetaObject::invokeMethod(target, std::move(call), Qt::QueuedConnection);
}

void EngineQueries::startDetached(std::function<void()> job)
{
    // The global pool: a raw-message fetch blocks on the network for up to
    // its timeout, and a few of them side by side must not queue behind
    // each other for long (the pool has at least as many threads as cores).
    QThreadPool::globalInstance()->start(std::move(job));
}

} // namespace slatrack::ui
