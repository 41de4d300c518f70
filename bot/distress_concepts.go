package bot

import "strings"

// Reading what a message says taken together. A phrase list alone
// misses the many ways people say these things ("it would be easier if
// i wasn't around", "death sounds peaceful", "i've been stockpiling my
// meds"); here a message is read for what it is about — the person not
// being alive, wanting or thinking of it, hurting themselves, being a
// burden, hopelessness, worthlessness, a goodbye, the means, acute
// panic, asking for a real person — and the kinds of thing it says,
// together, decide how worrying it is.

// cue is one kind of thing a message may say.
type cue int

const (
	cueDeath     cue = iota // the person dying or not existing
	cueWant                 // wanting, wishing, planning, thinking of it
	cueHarm                 // hurting oneself, clearly
	cueHarmHint             // words of self-harm that need company to count
	cueBurden               // others better off without them
	cueHopeless             // no hope, no future, can't go on
	cueWorthless            // worthless, a failure, hating oneself
	cueFinal                // a goodbye, a last message
	cueFinalHint            // words of goodbye that need company to count
	cueMeans                // pills, a rope, a bridge...
	cueHelp                 // a real person, a therapist, a crisis line
	cueNeed                 // needing, asking for, looking for
	cuePlea                 // help me, I can't be alone
	cueAcute                // panic, breakdown, a dark place
	cueTired                // tired, exhausted, done
	cueLife                 // life, living, being alive
	cueSelf                 // I, me
	cueCount
)

// cueWords are what says each cue, over the evened-out text.
var cueWords = [cueCount]fastRe{
	cueDeath:     mustFast(`\b(die|died|dying|dead|death|suicide|last time i (ever )?(have to )?wake up|(it|everything|it all|all of it) (all )?to end|want (it|this|everything) (all )?over|dont exist|didnt exist|if i (just )?didnt exist|suicidal|kill myself|killing myself|end my life|take my life|end it|end it all|ending it|ending it all|end things|ending things|end everything|not exist|not to exist|stop existing|not existing|cease to exist|never existed|should not exist|shouldnt exist|not be around|wont be around|not be here|not here anymore|not alive|no longer alive|not wake up|never wake up|didnt wake up|dont wake up|not to wake up|wouldnt wake up|if i woke up|sleep forever|not come back|never come back|leave this world|leaving this world|gone forever|disappear (forever|for good|permanently|and nobody|and no one)|my funeral|my own funeral|my grave|unalive|unaliving|be over|it to be over|all to be over|be gone|was gone|were gone|im gone|when im gone|after im gone|not be alive|be dead|stop living|quit living|not living|no more me|the end of me|not waking up|not coming back|never coming back|rest forever|sleep forever|for good|permanently|take me (now|away|home)|takes me|heart (would|to) (just )?stop|heart gives out|already died|already gone|already dead|waiting to die|life is over|not make it through|wont make it through|not survive|wont survive|dont survive|end of the road|at the end of it|out the door|drowning myself|evaporate|vanish|stop being a person|not be a person|finish my life|topping myself|top myself|off myself|offing myself|end myself)\b`),
	cueWant:      mustFast(`\b(want|wants|wanted|wanting|wanna|wish|shouldnt|reason not to|why i shouldnt|wished|wishing|hope|hoped|hoping|rather|should|ought|would be (nice|easier|better|a relief|peaceful|a mercy)|be easier|be better|wouldnt mind|dont mind|not mind|ready|decided|deciding|plan|planning|planned|going to|gonna|think about|thinking about|thought about|thinking of|thoughts (about|of)|thoughts|keep thinking|cant stop thinking|imagine|imagining|picture|dream about|dream of|fantasi[sz]e|fantasi[sz]ing|considering|consider|tempted|urge|urges|craving|googling|googled|looked up|searched|envy|sounds (peaceful|nice|good|better|like a relief|like peace)|peaceful|long for|longing|part of me|wouldnt care if|didnt care if|dont care if|would be funny if|what if i|if i just|maybe i should|i should just|just want it|need it to|hopes|praying|pray|wonder|wondering|like to|id like|would like|easiest way|easy to|only way|way out|grateful|relieved|made up my mind|made my peace|counting down|ready to|cant wait to|keep picturing|eyeing|mind keeps|brain keeps|voice|telling me to)\b`),
	cueHarm:      mustFast(`\b(cut myself|cutting myself|cut my (arms|arm|wrists|wrist|legs|leg|thighs|thigh|skin|stomach)|cut deep|cut deeper|cutting again|cut again|urge to cut|want to cut|need to cut|burn myself|burned myself|burnt myself|burning myself|hurt myself|hurting myself|harm myself|harming myself|self harm|selfharm|self harming|hit myself|hitting myself|punch(ed|ing)? (walls|the wall|myself)|until i bleed|make myself bleed|made myself bleed|punish myself|punishing myself|starve myself|starving myself|hiding the cuts|hide the cuts|my cuts|the cuts|scars on my|fresh cuts|my scars|till it bled|until it bled|till i bled|till i bleed|knife to my|blade to my|to my wrist|on my wrist|cutting every|been cutting|started cutting|keep cutting)\b`),
	cueHarmHint:  mustFast(`\b(cutting|cuts|relapse|relapsed|razor|razors|blade|blades|on purpose|bleed|bleeding|deserve it|deserve the pain|feel the pain|long sleeves|my arms|knuckles)\b`),
	cueBurden:    mustFast(`\b((anyone|anybody|nobody|no one|noone) (would|will|d) (even |really )?(notice|care|miss me|miss it) if i (wasnt|werent|was not|were not|was gone|disappeared|died|left|stopped existing)|better off without me|better without me|better off if i|easier (for everyone|for them|for my family)? ?if i|relieved if i|be relieved|wont be a (problem|burden)|not be a (problem|burden)|stop being a burden|no longer be a burden|a burden|burden to|insurance money|happier without me|nobody would (miss|notice|care|come)|no one would (miss|notice|care|come)|noone would (miss|notice|care|come)|no one cares if i|nobody cares if i|noone cares if i|nobody would even|dead weight|drain on|making (her|his|their|everyones|everyone s|my \w+s?) life worse|better off with someone else|be fine without me|fine without me|free (if|without) me|so they can be free|better if im not (around|here)|too much for everyone|waste of everyones time|taking up space|apologising for existing|apologizing for existing|cost my parents|wont bother anyone|not be a problem for anyone|wont be a problem for anyone|(anyone|anybody) (actually |even |really )?(would )?miss me|nobody needs me|no one needs me|noone needs me|move on and be happy)\b`),
	cueHopeless:  mustFast(`\b(hopeless|no hope|lost (all )?hope|no more hope|no future|no way out|never get better|never going to get better|not going to get better|wont get better|never going to change|nothing will change|nothing ever changes|nothing is (ever )?going to (get better|change)|always be (like this|alone|this way|a failure)|always will be|pointless|meaningless|no point|whats the point|what is the point|whats even the point|the point of any of (this|it)|dont see (the|any) point|cant see (the|any) point|no reason (to|for)|nothing matters|nothing to live for|cant see a future|cant picture a future|dont see a future|dont see myself|cant see myself|no light|giving up|given up|gave up|give up|im done|so done|done with (everything|it all|life|all of (it|this)|being|trying|people|myself)|over it all|cant go on|cant keep going|cant do this anymore|cant take it anymore|cant take it any more|how much longer|want out|it all to stop|want it to stop|make it stop|the pain to stop|it to stop|stop the pain|no escape|trapped)\b`),
	cueWorthless: mustFast(`\b(worthless|useless|a failure|failure at|such a failure|garbage|trash|pathetic|piece of shit|waste of (space|air|oxygen|life)|unlovable|unloveable|dont matter|do not matter|i matter to no one|dont deserve|hate myself|hate my self|hate who i am|ruin everything|ruined everything|take up space|everyone hates me|nobody (loves|likes|wants|cares about) me|no one (loves|likes|wants|cares about) me|im nothing|i am nothing|a disappointment|not good enough|never good enough|im the problem|everything is my fault|a mistake|shouldnt have been born|should never have been born)\b`),
	cueFinal:     mustFast(`\b((idk|dont know|not sure) if ill (still )?be (around|here|alive)|(might|may) not be (around|here) (next week|tomorrow|much longer|for long|anymore)|(not like ill|i wont|wont|i dont think ill|dont think ill) be alive|(would|will) (anyone|anybody) (even )?(care|notice|miss me)|i wont be (around|here) (to|for|much|anymore|any more|next)|would (anyone|anybody) (even )?(notice|care|miss me) if i|never hear from me again|not hear from me again|after tonight|tonights the night|tonight is the night|goodbye letters?|suicide note|final goodbye|say(ing|id)? my goodbyes|said my goodbyes|if im not here tomorrow|if i dont make it|not be here (tomorrow|next week)|wont be here (tomorrow|next week|much longer)|wont be around (much longer|next week|tomorrow)|this is goodbye|goodbye forever|last time (youll|you will) hear|my last (message|check in|checkin|words)|wont need (them|it|reminders|these) where im going|where im going|wont need (these|them|it|my|the)|wont be needing|said my goodbyes|say goodbye (properly|without|to everyone)|to say goodbye|love you all|tell my (mum|mom|dad|mother|father|sister|brother|kids|wife|husband|family|partner) (im sorry|i love|i said)|who gets what|my last (one|photo|sunset|day|night)|probably my last|last message|if anything happens|something will happen|i didnt go through with it|didnt go through with it|go through with it|planned it|this is the week|letters to my|a note for my|note to my|wrote a note|much longer|if im still (around|here|alive)|ill be here tomorrow|be here tomorrow|made up my mind|made my peace|final check ?in|you were the last (thing|one|person) i (talked|spoke|wrote)( to)?|see you never|the plan is ready|the forever kind)\b`),
	cueFinalHint: mustFast(`\b(goodbye|goodbyes|farewell|last (check in|checkin|message|time)|thanks for everything|just in case|for the last time|take care of (my|the) (cat|dog|kids)|giving (away|my) (my )?(stuff|things|possessions|belongings))\b`),
	cueMeans:     mustFast(`\b(pills|meds|medication|tablets|prescription|sleeping pills|painkillers|rope|noose|bridge|roof|ledge|edge|train tracks|tracks|traffic|gun|knife|knives|overdose|into a wall|into the sea|into the river|off a cliff|engine running|stockpil\w*|saved up|how many (pills|it would take|it takes)|enough pills|the means|crash the car|crashed the car|driving into|drive into|drove into|walk(ed)? into traffic|step in front|jump in front|a car would|a bus would|hit me|blacked out|paracetamol|acetaminophen|ibuprofen|insulin|medicine cabinet|the cabinet|everything in the cabinet|handful|lethal|platform|in front of|swerv\w*|into a tree|off a cliff|cliff|cliff edge|the edge|a noose|tie a noose|hang myself|hanging|drown|bought rope|rope|the knife|a knife|knife|blade|extra tablets|counting them|saving them)\b`),
	cueHelp:      mustFast(`\b(real person|real human|actual human|actual person|a human|human not a bot|not a bot|a real one|therapist|counsellor|counselor|psychiatrist|psychologist|crisis line|crisis text line|in crisis|hotline|helpline|emergency|the er|a&e|hospital|mental health|someone i can call|someone to call|call someone|connect me|professional|professional help|real help|988|samaritans|lifeline|suicide line|anyone i can (actually )?talk to|someone to talk me down|talk me down|emergency place|a person)\b`),
	cueNeed:      mustFast(`\b(need|needs|want|talk|speak|call|see|find|get me|get|connect|is there|where can i|how do i|can you|can i|could i|should i|i should|checking myself|go to|take me)\b`),
	cuePlea:      mustFast(`\b(help me please|please help|help me i|help please|i need help now|need help now|need help right now|i need someone|i need somebody|need someone right now|cant be alone|cant do this alone|dont want to be alone tonight|scared of what i might do|afraid of what i might do|dont trust myself|dont feel safe|not safe with myself|not safe right now|someone please|not safe on my own|my head is not safe|not safe alone|close to the edge|talk me down|tell me itll be ok|tell me it will be ok|called the helpline)\b`),
	cueAcute:     mustFast(`\b(panic|panicking|panic attack|pannic|breakdown|break down|breaking down|falling apart|fall apart|spiral\w*|freaking out|cant calm down|hyperventilat\w*|cant breathe|shaking|losing it|losing my mind|cant hold it together|going crazy|drowning|sinking|dying inside|dead inside|numb|empty inside|feel empty|so empty|crying|cried|sobbing|dark place|dark thoughts|the dark ones|dark stuff|intrusive thoughts|those thoughts|bad place|bad way|not okay|not ok|not coping|cant cope|overwhelmed|all too much|everything is too much|too much to handle|cant handle|cant function|cant get out of bed|in pieces|broken|shattered|unbearable|agony|suffocating|alone|lonely|isolated|scared|terrified|meltdown|smashing things|screaming inside|slipping away|slipping under|slipping into|the darkness|darkness is|losing the fight|dark stuff|thinking dark|everything hurts|way through|no way through|no fight left|dont have much fight|cant stop|had enough|ive had enough|tapping out|im out|im cooked|im so cooked|i am cooked|done in)\b`),
	cueTired:     mustFast(`\b(tired|exhausted|exhausting|done|sick|weary|worn out|over)\b`),
	cueLife:      mustFast(`\b(life|living|alive|existing|exist|existence|this world|being here|breathing)\b`),
	cueSelf:      mustFast(`\b(i|im|ive|id|ill|me|myself|my)\b`),
}

// crisisSayings say it in so many words, whatever else the message says.
var crisisSayings = fastAll(
	`\b(finish|finishing|end|ending) my (own )?life\b`,
	`\b(topping|top|offing|off) myself\b`,
	`\b(end|ending) it\b`,
	`\b(not|never|dont) (waking|wake) up\b`,
	`\b(sleep|go to sleep|fall asleep|close my eyes|rest) (and )?(not|never) (wake up|come back|coming back)\b`,
	`\b(want|wanna|wish|hope|hoping|like|id like|ready|just want|want to just) to (sleep|rest) forever\b`,
	`\b(go|leave|gone|disappear|vanish|put it down|let it (all )?go|stop|away|end it|be done|check out) (for good|forever|permanently)\b`,
	`\b(for good|forever|permanently)\b.{0,20}\b(gone|away|leave|go|done)\b`,
	`\b(take|takes|taking) me (now|away|home|in my sleep)\b`,
	`\bheart (would|to|will) (just )?(stop|give out)|heart gives out\b`,
	`\b(waiting|ready|want|wanting|wanna|going) to die\b`,
	`\b(losing|lost) the will to live\b`,
	`\b(had|have had|ive had) enough of (living|life|being alive|this life|it all|everything)\b`,
	`\bno reason (to|2) (live|carry on|keep going|keep living|go on|be here|stay)\b`,
	`\b(reason|point) (to|in) (carry(ing)? on|keep(ing)? living|living|stay(ing)? alive)\b`,
	`\b(why|what for) (i|should i|do i) (should )?(keep|carry on|bother) (living|going|on)\b`,
	`\bonly (alive|here|living|still here) (for|because of)\b`,
	`\b(stay|staying|keep|keeping myself) alive\b`,
	`\b(disappointed|annoyed|upset|sad) (that )?im still (here|alive|breathing)\b`,
	`\b(1|0|zero|one) (10 )?for (wanting to be alive|wanting to live|living|life|being alive|wanting to be here)\b`,
	`\b(dont|do not|no longer) (think i )?deserve to (live|be alive|be here|exist|be happy)\b`,
	`\b(not sure|dont know if|dont think|doubt) i (even )?(want|wanna) to (wake up|live|be here|be alive|go on|keep going)\b`,
	`\b(hanging|dying|death|suicide|jumping|pills|overdose|ending it|ending things)\b.{0,30}\b(easiest|only|best|quickest|easy) way out\b|\b(easiest|only|quickest) way out\b.{0,30}\b(hanging|dying|death|suicide|jumping|pills|overdose|ending it)\b`,
	`\b(highest|tallest) (bridge|building|roof|cliff|point)\b|\b(bridge|building|roof|cliff)\b.{0,20}\bthe (highest|tallest)\b`,
	`\b(bought|buying|got|picked up|ordered) (some |a |extra |more )?(rope|tablets|pills|paracetamol|painkillers)\b.{0,40}\b(not for anything|three different|chemists|pharmacies|for me|dont ask|just in case)\b`,
	`\b(said|say|saying) my goodbyes\b`,
	`\b(last time|final time) (logging on|logging in|online|checking in|on here|youll see me|you see me)\b`,
	`\bno more check ?ins from me\b|\b(tell|say to) (the group|everyone|them|my team|the team) i said (bye|goodbye)\b`,
	`\b(dont|do not|no need to) worry about me (after|from) (this|tonight|tomorrow|today|next)\b`,
	`\b(wanted|want|had) to say (bye|goodbye) to (you|everyone|you all)\b.{0,40}\b(deleted|last|before|gone|too)\b|\b(deleted|closed) (all )?my (accounts|socials|profiles)\b.{0,40}\b(bye|goodbye|except)\b`,
	`\b(tallest|highest) (buildings?|bridges?|towers?|cliffs?|roofs?)\b.{0,40}\b(for a reason|dont ask|you know why)\b`,
	`\b(researching|research|looked up|looking up|googling|reading about) (methods|ways|how to)\b`,
	`\b(looked|looking|stared|staring|keep looking|kept looking) at (the|my) (pills|tablets|meds|knife|rope|belt|gun|rifle|bridge|edge|tracks)\b`,
	`\b(gun|rifle|shotgun|pistol|firearm)\b.{0,40}\b(keep looking|looking at it|thinking about|for me|in the closet|in my room|loaded)\b`,
	`\b(bathtub|bath)\b.{0,30}\b(hairdryer|toaster)\b|\b(hairdryer|toaster)\b.{0,30}\b(bathtub|bath)\b`,
	`\b(tested|test|testing) (the|a) (knot|noose|rope)\b|\b(tied|tying) (a|the) noose\b`,
	`\b(finished|done|through) with (this|my) life\b`,
	`\bend of my rope\b.{0,12}\bliterally\b`,
	`\b(0|zero)( \|)? like (me|my life|my worth)\b`,
	`\b(used|using) the (lighter|razor|blade) again\b`,
	`\b(hoarding|stockpiling|saving up|collecting|saving) (my )?(antidepressants|sleeping pills|pills|meds|tablets|painkillers|insulin|medication)\b`,
	`\b(tried|try|trying|attempted) to (od|overdose|kill myself|end it|hang myself|jump)\b`,
	`\b(took|taken|take) (away )?my (belt|cables|shoelaces|pills|razors|meds)\b.{0,30}\b(worried|right to be|safe|away)\b|\b(took|taken) away my (belt|cables|shoelaces|razors|knives)\b`,
	`\b(bang|banging|banged|hit|hitting|smash|smashing) my head (against|on|into) (the|a) (wall|floor|desk|door)\b`,
	`\b(pull|pulled|pulling) out (so much|my|all my) hair\b|\bscalp is bleeding\b`,
	`\b(dig|digging|dug) my nails into\b|\btill (they|it|i) (bleed|bled)\b|\buntil (they|it) (bleed|bled)\b`,
	`\b(slammed|slam|hit|punched|burned|burnt|cut|scratched|bit) (my )?(hand|arm|head|wrist|leg|fingers?|skin|face|self|myself)\b.{0,30}\bon purpose\b`,
	`\b(crash|crashing|crashed|drive|driving|drove|swerve|swerving) (the|my) car\b.{0,30}\b(again|on purpose|thought|thinking|motorway|highway|wall|tree)\b|\bthought about (crashing|driving off|swerving)\b`,
	`\b(plane|train|bus|car) (crashed|crashes|crash)\b.{0,40}\b(id be fine|fine with it|wouldnt mind|grateful|relieved|wish)\b`,
	`\b(drove|driving|drive) \d+ (on|down) the (motorway|highway|freeway)\b.{0,20}\b(eyes closed|no seatbelt|without a seatbelt)\b|\bwith my eyes closed\b.{0,20}\b(drove|driving|motorway|highway)\b`,
	`\bexisting hurts\b|\bit hurts to exist\b|\bbeing alive hurts\b`,
	`\b(want|wanna|need) to stop being( \||$)`,
	`\b(this is|its) the end (for|of) me\b|\bmy time to go\b`,
	`\b(left|leaving|wrote|writing) (instructions|notes?|letters?) for my (cat|dog|pets?|kids|children|family|plants)\b.{0,20}\b(in case|just in case|after)\b`,
	`\bsend (someone|somebody|help|an ambulance|the police) (to my (house|place|flat|apartment|home)|here|now)\b`,
	`\bmy (last|previous|first) (attempt|try)\b.{0,20}\b(failed|didnt work)\b|\b(attempt|attempted) (again|before)\b`,
	`\b(leave|leaving|leaving this|exit|exiting) (the|this) planet\b`,
	`\b(thought|thinking|think) about dying\b`,
	`\bgoal for today \| survive\b|\b(dont|not) know if i (will|can) (survive|make it|last)\b`,
	`\b(my )?safety plan (isnt|is not|aint|not) working\b`,
	`\b(nearest|closest) (a&e|a e|er|emergency room|hospital)\b.{0,40}\b(my head|mental|mind|not my body)\b|\bhelp with my head\b`,
	`\bsorted (out )?my affairs\b|\b(put|putting|getting) my affairs in order\b`,
	`\bpain to stop\b.{0,20}\b(permanently|forever|for good)\b`,
	`\btested how much it (would|will|does) hurt\b`,
	`\bmy (arms|wrists|legs|thighs|skin) (are|is) (a mess|covered|cut up)\b`,
	`\b(might|may) not see (her|him|them|you|my \w+) again\b`,
	`\bthe only reason im (still )?(alive|here|living)\b.{0,40}\b(not sure|enough|anymore|getting old)\b`,
	`\b(kindest|best) thing i (could|can) do (for everyone|for them|for my family)? ?is (vanish|disappear|go|leave|die|not be here)\b`,
	`\b(dont|not|wont) (think ill|going to) (make it|survive|last) (through|past|this|the|til|until)\b`,
	`\b(life|my life) is over\b`,
	`\b(already|basically) (dead|died|gone)\b`,
	`\b(tapping|checking|bowing) out of (life|this world|everything)\b`,
	`\b(leave|leaving|quit|quitting) (this world|life|it all behind for good)\b`,
	`\bthinking of leaving it\b`,
	`\b(want|wanna|going|thinking about|think about|thinking of|keep thinking about) (to )?(jump|jumping|jumping off|drive off|driving off|swerv\w*|step(ping)? (in front|off|forward))\b`,
	`\b(stepping|step|walk|walking|jump|jumping|swerv\w*|drive|driving) (in front of|into|off) (a|the|my) (car|bus|train|truck|tree|wall|cliff|edge|bridge|road|traffic|sea|river|lake)\b`,
	`\b(stand|standing|stood|sat|sitting|sit) (on|at) (the|a) (edge|bridge|cliff|ledge|roof|platform|tracks|railing)\b`,
	`\b(hit|run over) by a (bus|car|train|truck)\b.{0,40}\b(grateful|relieved|glad|happy|fine|okay|ok|nice|wish)\b`,
	`\b(does it|would it|will it) hurt to (drown|die|hang|jump|bleed out)\b`,
	`\bhow (much|many)\b.{0,40}\b(lethal|to die|would it take|it would take|would kill|is deadly|to overdose|to not wake up)\b`,
	`\b(highest|tallest) (bridge|building|roof|cliff)\b`,
	`\b(tie|tying) a (noose|knot to hang)\b|\bnoose\b`,
	`\b(swallowed|took|taken|downed) (everything|all of it|all my|the lot|the whole)\b`,
	`\b(taking|take|took) all (of )?my (insulin|pills|meds|tablets|medication|painkillers|sleeping pills)\b`,
	`\b(saving|stockpiling|hoarding|collecting|counting|saved up|stockpiled) (them|my pills|my meds|my tablets|pills|meds|tablets|up my)\b`,
	`\b(sitting|sat|sit) with (a handful of|my|the) (pills|tablets|meds|knife|blade|rope)\b`,
	`\b(knife|blade|razor) (to|on|against) my (wrist|arm|throat|skin)\b`,
	`\bput the (knife|blade|razor|pills|rope) down\b`,
	`\b(a|the) (blade|razor) in my hand\b`,
	`\b(eyeing|looking at) the (medicine cabinet|pills|knife|rope|bridge)\b`,
	`\b(giving|given|gave|sold) (my|all my|away my|away) (things|stuff|possessions|belongings|guitar|plants|cat|dog)\b.{0,40}\b(wont need|so shes looked after|so hes looked after|looked after|away|friends|neighbour|neighbor)\b`,
	`\b(giving|given|gave) (my|all my) (things|stuff|possessions|belongings) away\b`,
	`\bwho gets what\b`,
	`\b(ive|i) (said|say) my goodbyes\b|\bsay goodbye (properly|without (her|him|them) knowing)\b`,
	`\b(love you all|i love you all)\b.{0,30}\b(sorry|goodbye|bye)\b`,
	`\btell my (mum|mom|dad|mother|father|sister|brother|kids|children|wife|husband|family|partner|son|daughter) (im sorry|i love (her|him|them))\b`,
	`\b(my|the) last (photo|sunset|message|check in|checkin|day|night)\b.{0,30}\b(probably|ever|thanks|goodbye|just in case)\b|\bprobably my last\b`,
	`\b(wrote|written|writing|left) (a note|letters|a letter|notes) (for|to) my\b`,
	`\b(wont|dont think ill|will not|might not) (be here|be around|need (these|them|it|my|the|this)|be needing|bother anyone|be a problem) (tomorrow|much longer|long|for long|anymore|any more|next week|check ins|reminders)\b`,
	`\b(wont|wont be) (needing|need) (it|them|these|my streak|the reminders|reminders)\b`,
	`\bif im (still )?(around|here|alive)\b`,
	`\b(planned|planning|plan) it (for|after|before|on)\b`,
	`\b(made|making) up my mind\b.{0,40}\b(before|tell|goodbye|tonight)\b`,
	`\bmade my peace\b`,
	`\b(this|itll|it will|it all) (is|be|all be) over soon\b`,
	`\bcounting down (to|the days)\b`,
	`\bgo(ing)? through with it\b`,
	`\bthis is the (week|day|night)\b.{0,40}\b(letters|goodbye|note|end)\b|\b(letters|note|goodbye)\b.{0,40}\bthis is the (week|day|night)\b`,
	`\b(stop|stopping|not) (existing|being a person|being alive|being here)\b`,
	`\b(want|wanna|wish|like) to (evaporate|vanish|disappear for good|not be)\b`,
	`\b(end|ending) of (the|my) road\b.{0,30}\b(goodbye|tired|im at|for me)\b|\bim at the end of it\b`,
	`\b(halfway|half way) out the door\b`,
	`\b(god|the lord|lord|universe) (to )?(takes|take|would take|will take) me\b`,
	`\b(make it official|ghost already)\b`,
	`\b(my|the) (brain|mind|head|voice|thoughts) (keeps|keep|is|are) (telling|saying|whispering|screaming|begging)\b.{0,40}\b(end it|die|kill|jump|do it|not here|gone|easy)\b`,
	`\bthe (thoughts|ones) (about|of) (ending it|dying|death|killing|suicide|not being here)\b`,
	`\b(my )?(kids|children|family|husband|wife|partner|parents|mum|mom) (deserve|would be|could be) (a )?better\b.{0,30}\b(than me|without me|with someone else|if i)\b`,
	`\b(want|wanna|just want|going) to (go home)\b.{0,40}\b(for good|forever|away from (all of )?this)\b`,
	`\bready to (go|leave|rest|die)\b.{0,40}\b(peace|how|for good|forever|made my|goodbye)\b`,
	`\b(want|wanna|thinking to|thinking of|think to) (just )?(end it|end everything|jump|finish my life)\b`,
)

// crisisOtherTongues are the plainest ways of saying it in other
// languages people mix into English.
var crisisOtherTongues = fastAll(
	`\b(quiero morir(me)?|me quiero (morir|matar)|quiero matarme|no quiero vivir|voy a matarme|suicidarme)\b`,
	`\b(je veux mourir|je vais me tuer|je veux me tuer|envie de mourir|me suicider)\b`,
	`\b(ich will sterben|ich bring mich um|ich will nicht mehr leben|mich umbringen)\b`,
	`\b(voglio morire|mi voglio uccidere|non voglio vivere)\b`,
	`\b(quero morrer|vou me matar|nao quero viver)\b`,
	`\b(marna chahta|marna chahti|mar jaana chahta|mar jaana chahti|jeena nahi chahta|jeena nahi chahti|khudkushi|aatmahatya)\b`,
)

// readTogether reads what a message says taken together.
func readTogether(sc *scan) Distress {
	n := sc.n
	for _, re := range crisisSayings {
		for _, m := range re.find(sc) {
			if !negated(n[:m[0]]) {
				return Crisis
			}
		}
	}
	for _, re := range crisisOtherTongues {
		if re.match(sc) {
			return Crisis
		}
	}
	has := sc.has
	self, selfDeath := has(cueSelf), sc.speaksOfOwnDeath()
	switch {
	case selfDeath && has(cueWant) && !deniedCue(sc, cueWords[cueWant]),
		has(cueDeath) && deathWelcome.match(sc),
		has(cueHarm) && !deniedCue(sc, cueWords[cueHarm]),
		has(cueHarmHint) && countMatches(sc, cueWords[cueHarmHint]) >= 2 && self,
		has(cueHarmHint) && has(cueWant) && self && harmWords.match(sc),
		has(cueBurden),
		has(cueFinal) && !colleagueGoodbye.match(sc),
		has(cueFinalHint) && (has(cueDeath) || has(cueMeans) || has(cueHopeless) || countMatches(sc, cueWords[cueFinalHint]) >= 2),
		has(cueMeans) && (selfDeath || has(cueWant) && (has(cueDeath) || meansIntent.match(sc)) || meansIntent.match(sc) && self),
		meansStrong.match(sc) && (has(cueDeath) || has(cueWant) && self || rightNow.match(sc) && self),
		countMatches(sc, cueWords[cueMeans]) >= 2 && self,
		has(cueHelp) && has(cueNeed) && helpSought.match(sc),
		has(cuePlea) && unsafe.match(sc),
		has(cueTired) && has(cueLife) && tiredOfLife.match(sc),
		has(cueHopeless) && has(cueLife) && self && lifeHopeless.match(sc),
		has(cueWorthless) && (selfDeath || has(cueHopeless) && strongHopeless.match(sc)),
		has(cueHopeless) && strongHopeless.match(sc) && self:
		return Crisis
	case has(cueDeath) && has(cueWant) && self,
		has(cueHopeless) && self,
		has(cueAcute) && acuteAlone.match(sc) && !ordinaryWorry.match(sc),
		has(cueHopeless) && strongHopeless.match(sc),
		has(cueWorthless) && self,
		has(cueAcute) && self && !ordinaryWorry.match(sc),
		has(cuePlea),
		has(cueHelp) && has(cueNeed),
		has(cueHarmHint) && has(cueSelf) && harmWordsSoft.match(sc):
		return Concern
	}
	return NoDistress
}

// What some of the rules in readTogether look for.
var (
	deathWelcome  = mustFast(`\b(sounds|seems|feels|would be) (peaceful|nice|good|better|like a relief|like peace|easier)|\benvy (people|those) who (are|have) (dead|died)`)
	harmWords     = mustFast(`\b(cutting|cuts|relapse|relapsed|razor|blade)\b`)
	unsafe        = mustFast(`\b(scared of what i might do|afraid of what i might do|dont trust myself|dont feel safe|not safe with myself)\b`)
	tiredOfLife   = mustFast(`\b(tired|exhausted|sick|done|weary) (of|with) (being alive|living|life|existing|this world|being here|breathing|it all)|\bexisting is (exhausting|too much|pointless)`)
	lifeHopeless  = mustFast(`\b(life|living|existing|alive)\b.{0,30}\b(hopeless|pointless|meaningless|not worth|no point|want out)|\b(no point|no reason|want out|not worth)\b.{0,30}\b(life|living|existing|alive|my own life)`)
	harmWordsSoft = mustFast(`\b(cutting|relapse|relapsed|razor|blade)\b`)
	// meansStrong are means that are rarely anything else.
	meansStrong = mustFast(`\b(pills|tablets|sleeping pills|painkillers|rope|noose|bridge|roof|ledge|gun|knife|overdose|train tracks|razor|blade)\b`)
	// acuteAlone is acute distress that needs no "i" to be said.
	acuteAlone = mustFast(`\b(thinking dark|dark stuff|screaming inside|i have (no one|nobody|noone)|breakdown|panic attack|panicking|hyperventilat\w*|cant breathe|spiral\w*|dark thoughts|the dark ones|those thoughts|intrusive thoughts|cant stop shaking)\b`)
	// rightNow is now, tonight.
	rightNow = mustFast(`\b(right now|rn|tonight|now|at the moment)\b`)
)

// colleagueGoodbye is a goodbye to someone else, or to a job: a
// colleague's last day, not the person's.
var colleagueGoodbye = mustFast(`\b(final goodbye|last day|goodbye|farewell) (to|for) [a-z]+\b.{0,30}\b(last day|leaving|retir\w*|cake|party|lunch|drinks|new job)\b|\bmy last day at (the|my|work|this)\b|\b(his|her|their) last day\b`)

// strongHopeless is hopelessness about the person's life, not a task.
var strongHopeless = mustFast(`\b(no hope left|lost all hope|no more hope|theres no hope|there is no hope|no future for me|no future|nothing is (ever )?going to get better|never going to get better|never get better|nothing will ever change|always be (alone|a failure|like this)|nothing to live for|no reason to (keep going|go on|carry on|try|live)|cant see a future|cant picture a future|dont see a future|dont see myself (alive|here|around|living)|cant see myself (alive|here|around|living)|want out of (my|this) (own )?life|want it all to stop|the pain to stop forever|want the pain to stop|never going to change ever|its never going to change)\b`)

// helpSought is asking for a person or for real help, not mentioning one.
var helpSought = mustFast(`\b(need|want|talk to|speak to|call|see|find|get me|connect me|where can i|how do i (find|get|reach|call)|can you (get|find|connect|call)|can i (talk|speak|call)|should i (go|call)|i should go|checking myself|take me)\b.{0,40}\b(real person|real human|actual human|actual person|a human|not a bot|a real one|therapist|counsellor|counselor|psychiatrist|psychologist|crisis line|crisis text line|hotline|helpline|emergency|the er|a&e|hospital|mental health|someone i can call|someone to call|professional|professional help|real help|988|samaritans|lifeline|suicide line|a person)\b|\bim in crisis\b|\b(real person|a human|actual human|real human)\b.{0,20}\b(please|now|rn|right now)\b|\bhuman not a bot\b|\bnot a bot\b`)

// meansIntent is the means kept, looked up or used on purpose.
var meansIntent = mustFast(`\b(stockpil\w*|saved up|saving up|been saving|how many|enough (pills|meds)|bought (a|the|some)|for me|on purpose|the means|a plan|way more than|more than my prescription|hoped|kinda hoped|didnt care if|dont care if|wouldnt care if|would just hit me|a car would|a bus would)\b`)

// ordinaryWorry is everyday stress said in words of distress: about an
// exam, a deadline, a presentation.
var ordinaryWorry = mustFast(`\b(about|before|for|over) (the|my|this|that|an|a|tomorrows|todays) (exam|test|deadline|presentation|interview|meeting|demo|talk|match|game|flight|trip|move|wedding|date|launch|review|audit|bill|bills|exams|deadlines|presentations)\b|\b(scared|terrified) of (spiders|heights|flying|dogs|the dentist|needles|public speaking)\b|\b(alone|lonely) (at|in|for|on) (home|the office|lunch|the weekend|dinner)\b|\bhome alone\b|\bcried (laughing|at the (movie|film|ending|show|wedding))\b|\bcrying (laughing|at the (movie|film|ending|show))\b|\b(broken|shattered) (phone|screen|glass|leg|arm|wrist|toe|finger|bone|window|cup|mug|laptop|chair|record)\b|\bscared me\b|\b(movie|film|show|book|episode|wedding|ending|song|video|series)\b.*\b(cried|crying|sobbing)\b|\b(cried|crying|sobbing)\b.*\b(movie|film|show|book|episode|wedding|ending|song|video|series)\b`)

// selfDeath reports whether the message speaks of the person themself
// dying or not existing: a death word with "i" as who it happens to,
// nobody else's between ("i hope my plant doesnt die" is the plant's).
func selfDeath(sc *scan) bool {
	n := sc.n
	for _, m := range cueWords[cueDeath].find(sc) {
		phrase := n[m[0]:m[1]]
		if strings.Contains(phrase, "myself") || strings.Contains(phrase, "my life") || strings.Contains(phrase, "my funeral") ||
			strings.Contains(phrase, "my own funeral") || strings.Contains(phrase, "my grave") || strings.HasPrefix(phrase, "im gone") ||
			strings.Contains(phrase, "no more me") || strings.Contains(phrase, "the end of me") || strings.Contains(phrase, "if i woke up") {
			return true
		}
		before := strings.Fields(n[:m[0]])
		for i := len(before) - 1; i >= 0 && i >= len(before)-5; i-- {
			w := before[i]
			if w == "|" || otherOwner[w] {
				break
			}
			if w == "i" || w == "im" || w == "id" || w == "ill" || w == "ive" || w == "me" || w == "myself" {
				return true
			}
		}
	}
	return false
}

// otherOwner are words that make a death someone's or something's else.
var otherOwner = map[string]bool{
	"my": true, "the": true, "a": true, "an": true, "this": true, "that": true, "it": true, "its": true, "his": true,
	"her": true, "their": true, "our": true, "your": true, "he": true, "she": true, "they": true, "we": true, "you": true,
	"someone": true, "somebody": true, "everyone": true, "people": true, "nobody": true, "whose": true, "who": true,
}

// deniedCue reports whether every occurrence of a cue is denied ("i
// dont want to", "i would never").
func deniedCue(sc *scan, re fastRe) bool {
	n := sc.n
	ms := re.find(sc)
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if !negated(n[:m[0]]) {
			return false
		}
	}
	return true
}

func countMatches(sc *scan, re fastRe) int { return len(re.find(sc)) }
