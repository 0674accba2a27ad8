#include "engine/copy/digest_set.hpp"

#include "registry/content/sha256.hpp"

#include <string>

namespace regmigrate::engine {

namespace {

std::uint64_t hex_word(std::string_view hex) {
    std::uint64_t word = 0;
    for (const char c : hex)
        word = word << 4 | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    return word;
}

}  // namespace

DigestSet::Key DigestSet::key_of(std::string_view registry, std::string_view digest) {
    registry::Sha256 hasher;
    hasher.update(registry);
    hasher.update(" ");
    hasher.update(digest);
    const std::string hex = hasher.finish_hex();
    const Key key = hex_word(std::string_view(hex).substr(0, 16));
    return key == 0 ? 1 : key;  // the empty slot's value (a 2^-64 chance) stands for 1
}

std::size_t DigestSet::slot_for(const Key& key) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t slot = key & mask;
    while (slots_[slot] != key && slots_[slot] != 0)
        slot = (slot + 1) & mask;
    return slot;
}

void DigestSet::grow() {
    std::vector<Key> old(slots_.empty() ? 1024 : slots_.size() * 2);
    old.swap(slots_);
    for (const Key& key : old) {
        if (key != 0)
            slots_[slot_for(key)] = key;
    }
}

bool DigestSet::insert(std::string_view registry, std::string_view digest) {
    if ((size_ + 1) * 8 > slots_.size() * 7)
        grow();
    const Key key = key_of(registry, digest);
    Key& slot = slots_[slot_for(key)];
    if (slot == key)
        return false;
    slot = key;
    ++size_;
    return true;
}

}  // namespace regmigrate::engine
