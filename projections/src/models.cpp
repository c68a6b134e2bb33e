#include "models.h"

#include "binary.h"
#include "grappe/domain/state_codec.h"
#include "grappe/domain/streams.h"
#include "grappe/domain/time.h"

namespace grappe::projections {

domain::EventMeta event_meta(const es::Record& r) {
  return domain::EventMeta{r.version, domain::format_timestamp(r.timestamp), r.actor.id,
                           r.actor.name};
}

std::string encode_value(const nlohmann::json& json) {
  auto bytes = nlohmann::json::to_cbor(json);
  return std::string(bytes.begin(), bytes.end());
}

std::expected<nlohmann::json, std::string> decode_value(std::string_view bytes) {
  auto json = nlohmann::json::from_cbor(bytes.begin(), bytes.end(), true, false);
  if (json.is_discarded()) return std::unexpected("valeur illisible (CBOR)");
  return json;
}

namespace {

// The id of `record`'s stream when it is of `kind`.
const std::string_view* id_if(const es::Record& record, domain::StreamKind kind,
                              std::string_view& id) {
  if (domain::stream_kind(record.stream) != kind) return nullptr;
  id = domain::stream_id(record.stream);
  return &id;
}

}  // namespace

// --- grappes ---

std::unique_ptr<Projection> GrappesProjection::empty_copy() const {
  return std::make_unique<GrappesProjection>();
}

void GrappesProjection::apply(const es::Record& record, const domain::Event& event) {
  std::string_view id;
  if (!id_if(record, domain::StreamKind::kGrappe, id)) return;
  auto [it, fresh] = states.try_emplace(std::string(id));
  // Only a creation and new details change the name (the list's order), region or call.
  const bool reorder = fresh || std::holds_alternative<domain::GrappeCreated>(event) ||
                       std::holds_alternative<domain::DetailsUpdated>(event);
  if (reorder && !fresh) index.remove(&*it);
  const auto status = it->second.status;
  domain::evolve_in_place(it->second, event, event_meta(record));
  if (reorder) {
    index.add(&*it);
  } else if (it->second.status != status) {
    index.restatus(&*it, status);
  }
  changed_.insert(&*it);
}

std::expected<void, std::string> GrappesProjection::load(std::string_view key,
                                                         std::string_view value) {
  auto state = decode_grappe(value);
  if (!state) return std::unexpected(state.error());
  auto [it, fresh] = states.try_emplace(std::string(key));
  if (!fresh) index.remove(&*it);
  it->second = std::move(*state);
  index.add(&*it);
  return {};
}

void GrappesProjection::collect(es::ProjectionWrite& write, bool everything) {
  if (everything) {
    for (const auto& [id, state] : states) write.puts.emplace_back(id, encode_grappe(state));
  } else {
    for (const auto* e : changed_) write.puts.emplace_back(e->first, encode_grappe(e->second));
  }
  changed_.clear();
}

// --- establishments ---

std::unique_ptr<Projection> EstablishmentsProjection::empty_copy() const {
  return std::make_unique<EstablishmentsProjection>();
}

void EstablishmentsProjection::apply(const es::Record& record, const domain::Event& event) {
  std::string_view id;
  if (!id_if(record, domain::StreamKind::kEsms, id)) return;
  auto [it, fresh] = states.try_emplace(std::string(id));
  domain::evolve_esms_in_place(it->second, event, event_meta(record));
  changed_.insert(&*it);
}

std::expected<void, std::string> EstablishmentsProjection::load(std::string_view key,
                                                                std::string_view value) {
  auto state = decode_esms(value);
  if (!state) return std::unexpected(state.error());
  states.insert_or_assign(std::string(key), std::move(*state));
  return {};
}

void EstablishmentsProjection::collect(es::ProjectionWrite& write, bool everything) {
  auto put = [&](const std::string& id, const domain::EsmsState& s) {
    write.puts.emplace_back(id, encode_esms(s));
  };
  if (everything) {
    for (const auto& [id, state] : states) put(id, state);
  } else {
    for (const auto* e : changed_) put(e->first, e->second);
  }
  changed_.clear();
}

// --- users ---

std::unique_ptr<Projection> UsersProjection::empty_copy() const {
  return std::make_unique<UsersProjection>();
}

void UsersProjection::apply(const es::Record& record, const domain::Event& event) {
  if (domain::stream_kind(record.stream) != domain::StreamKind::kUsers) return;
  directory = domain::evolve_users(std::move(directory), event, event_meta(record));
  if (const auto* saved = std::get_if<domain::UserSaved>(&event)) changed_.insert(saved->user.id);
  if (const auto* revoked = std::get_if<domain::UserRevoked>(&event)) changed_.insert(revoked->id);
  changed_.insert("");  // the version
}

std::expected<void, std::string> UsersProjection::load(std::string_view key,
                                                       std::string_view value) {
  auto json = decode_value(value);
  if (!json) return std::unexpected(json.error());
  if (key.empty()) {
    if (!json->is_number_unsigned()) return std::unexpected("version des utilisateurs illisible");
    directory.version = json->get<std::uint64_t>();
    return {};
  }
  return domain::add_user_entry(directory, *json);
}

void UsersProjection::collect(es::ProjectionWrite& write, bool everything) {
  if (everything) {
    for (const auto& [id, user] : directory.users) {
      write.puts.emplace_back(id, encode_value(domain::user_entry_json(directory, user)));
    }
  } else {
    for (const auto& id : changed_) {
      if (id.empty()) continue;
      const auto* user = directory.find(id);
      if (user) {
        write.puts.emplace_back(id, encode_value(domain::user_entry_json(directory, *user)));
      } else {
        write.deletes.push_back(id);
      }
    }
  }
  write.puts.emplace_back("", encode_value(directory.version));
  changed_.clear();
}

}  // namespace grappe::projections
