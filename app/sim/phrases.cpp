#include "sim/phrases.hpp"

namespace sb::sim {

const std::vector<language_phrases>& languages() {
  static const std::vector<language_phrases> all = {
    {"en",
     {"You are a friendly support agent.", "You help customers with orders."},
     {"Hello, this is Acme support.", "Hi! Thanks for calling the order desk.",
      "Good morning, you're through to the clinic.",
      "Welcome to Skyway travel."},
     {"How can I help?", "What can I do for you today?", "How may I help you?"},
     {"Where's my order #?", "My internet is down again.",
      "I need to cancel my appointment on Friday.",
      "Can you change my flight to Tuesday?", "I'd like a refund for order #.",
      "What time do you close today?", "My invoice # looks wrong.",
      "Is the store on Main Street open?"},
     {"It was placed last week.", "The reference is #.", "Thanks.",
      "As soon as possible please."},
     {"Let me check that for you.", "Order # has shipped.",
      "I see an outage in your area.", "Your appointment is cancelled.",
      "I've moved your flight to Tuesday at # hours.",
      "The refund will arrive in five days.", "We close at six tonight.",
      "I've corrected invoice #.", "One moment please."},
     {"Is there anything else?", "Thanks for calling, goodbye!",
      "Have a great day."},
     {"Where's my order #?", "I need to cancel my appointment on Friday.",
      "Can you change my flight to Tuesday?", "I'd like a refund for order #.",
      "What time do you close today?", "Is the store on Main Street open?"},
     {"It was placed last week.", "The reference is #.",
      "As soon as possible please."},
     {"That's great, thank you so much!",
      "Wonderful, I really appreciate your help.",
      "Perfect, you've been very helpful!"},
     {"This is terrible, I'm really frustrated.",
      "I'm so angry, this is awful.",
      "Horrible service, I'm very disappointed."}},
    {"es",
     {"Eres un agente de soporte amable."},
     {"Hola, le atiende el soporte de Acme.", "Buenos días, clínica central."},
     {"¿En qué puedo ayudarle?", "¿Qué necesita hoy?"},
     {"¿Dónde está mi pedido #?", "No tengo internet desde ayer.",
      "Quiero cancelar mi cita del viernes.", "Necesito una factura nueva.",
      "¿A qué hora cierran hoy?"},
     {"Lo pedí la semana pasada.", "El número es #.", "Gracias."},
     {"Voy a comprobarlo.", "El pedido # ya salió.",
      "Hay una avería en su zona.", "Su cita está cancelada.",
      "Cerramos a las seis.", "Un momento, por favor."},
     {"¿Algo más?", "Gracias por llamar, adiós."}},
    {"de",
     {"Du bist ein freundlicher Support-Agent."},
     {"Hallo, hier ist der Acme Kundendienst.", "Guten Tag, Praxis Müller."},
     {"Wie kann ich helfen?", "Was kann ich für Sie tun?"},
     {"Wo ist meine Bestellung #?", "Mein Internet geht nicht.",
      "Ich möchte meinen Termin absagen.", "Die Rechnung # stimmt nicht.",
      "Wann schließen Sie heute?"},
     {"Das war letzte Woche.", "Die Nummer ist #.", "Danke."},
     {"Ich schaue nach.", "Bestellung # ist unterwegs.",
      "In Ihrer Gegend gibt es eine Störung.", "Der Termin ist abgesagt.",
      "Wir schließen um achtzehn Uhr.", "Einen Moment bitte."},
     {"Noch etwas?", "Danke für Ihren Anruf, auf Wiederhören."}},
    {"fr",
     {"Tu es un agent de support aimable."},
     {"Bonjour, service client Acme.", "Bonjour, cabinet médical."},
     {"Comment puis-je vous aider ?", "Que puis-je faire pour vous ?"},
     {"Où est ma commande # ?", "J'ai un problème de connexion.",
      "Je voudrais annuler mon rendez-vous.", "La facture # est fausse.",
      "Vous fermez à quelle heure ?"},
     {"C'était la semaine dernière.", "Le numéro est #.", "Merci."},
     {"Je vérifie.", "La commande # est partie.",
      "Il y a une panne dans votre quartier.", "Le rendez-vous est annulé.",
      "Nous fermons à dix-huit heures.", "Un instant, s'il vous plaît."},
     {"Autre chose ?", "Merci de votre appel, au revoir."}},
  };
  return all;
}

std::string fill(rng_t& rng, const std::string& templ) {
  std::string out;
  for (char c : templ) {
    if (c != '#') {
      out += c;
      continue;
    }
    auto digits = uniform(rng, 3, 5);
    out += static_cast<char>('1' + uniform(rng, 0, 8));
    for (std::int64_t i = 1; i < digits; ++i)
      out += static_cast<char>('0' + uniform(rng, 0, 9));
  }
  return out;
}

} // namespace sb::sim
